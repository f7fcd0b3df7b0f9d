import { ruleCatalogue } from "../../policies/rules/index.js";
import { Change, type ChangeInput } from "../../src/domain/change.js";
import type { Role } from "../../src/domain/enums.js";
import { Ticket, type TicketInput } from "../../src/domain/ticket.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { type LoadedPack, loadPack } from "../../src/engine/pack-loader.js";

export const NOW = "2026-02-20T12:00:00+03:00";

export function ticket(overrides: Partial<TicketInput> = {}): Ticket {
  return Ticket.parse({
    ref: { tracker: "mantis", instance: "test", id: "101" },
    title: "Не открывается электронная медкарта",
    description: "При открытии ЭМК выдаётся ошибка 500.",
    type: "Электронная медкарта",
    impact: "major",
    priority: "high",
    status: "new",
    reporter: { id: "ivanov", role: "line1" },
    assignee: { id: "petrova" },
    createdAt: "2026-02-20T09:15:00+03:00",
    ...overrides,
  });
}

export function change(input: ChangeInput): Change {
  return Change.parse(input);
}

export const created = (actor: { id: string; role?: Role } = { id: "ivanov", role: "line1" }) =>
  change({ kind: "created", actor });

export function pack(
  id: string,
  params: Record<string, unknown> = {},
  rules: Record<string, unknown> = {},
): LoadedPack {
  return loadPack(id, { rules: ruleCatalogue, settings: { params, rules } });
}

/** Decisions of one pack on one change, with `now` fixed. */
export function decide(p: LoadedPack, t: Ticket, c: Change, openTickets?: Ticket[]) {
  return evaluate(p, t, c, { now: NOW, openTickets });
}

export const sevastopolParams = { headOfLine2: "petrova" };
