import { z } from "zod";
import type { Action } from "../../src/domain/action.js";
import { StatusPhase } from "../../src/domain/enums.js";
import type { Actor, Comment, Ticket } from "../../src/domain/ticket.js";
import { defineRule } from "../../src/engine/rule.js";
import { enteredStatus, isCreation, previousStatus } from "../support/change-facts.js";

const Options = z.strictObject({
  /** Entering a status of these phases needs the solution described (resolving, closing). */
  phases: z.array(StatusPhase).min(1).default(["resolved", "closed"]),
  /** The least length of a description: "готово" describes nothing. */
  minLength: z.number().int().min(1).default(30),
  /** `revert`: back to the status it came from, with the request; `comment`: the request only. */
  mode: z.enum(["revert", "comment"]).default("revert"),
  /** The description often follows the status by a moment (a note saved after): judged this much later. */
  graceSeconds: z.number().int().min(0).default(120),
});
type Options = z.infer<typeof Options>;

type MessageId = "undescribed" | "undescribedReverted";

const executorRoles = new Set(["line2", "line3", "head_of_line2"]);
/** The executor's line (ВЛТП and beyond): who solves, and so who describes the solution. */
const isExecutor = (a: Actor) => (a.line ?? 0) >= 2 || (a.role !== undefined && executorRoles.has(a.role));

/** When the ticket first went into work: the description must come after it (the creation when it never did). */
function workStarted(ticket: Ticket, inWork: (status: string) => boolean): string {
  const entries = ticket.history
    .filter((h) => h.field === "status" && inWork(String((h.to as { value?: unknown })?.value ?? h.to)))
    .map((h) => h.at)
    .sort();
  return entries[0] ?? ticket.createdAt;
}

export default defineRule<Options, MessageId>({
  id: "solution-described",
  description:
    "Resolving or closing a ticket needs the executor's public comment describing the solution since the ticket went into work.",
  options: Options,
  messages: {
    ru: {
      undescribed:
        "Заявка переведена в статус «{status}» без описания решения. При закрытии обращения исполнитель описывает детальное решение: опишите его в публичном комментарии.",
      undescribedReverted:
        "Заявка переведена в статус «{status}» без описания решения и возвращена в статус «{previous}». При закрытии обращения исполнитель описывает детальное решение: опишите его в публичном комментарии и переведите заявку снова.",
    },
    en: {
      undescribed:
        'The ticket was moved to "{status}" without a description of the solution. On closing, the executor describes the solution in detail: describe it in a public comment.',
      undescribedReverted:
        'The ticket was moved to "{status}" without a description of the solution and was put back to "{previous}". On closing, the executor describes the solution in detail: describe it in a public comment, then move the ticket again.',
    },
  },
  needs: (options, pack) => {
    const ending = Object.keys(pack.statuses).filter((s) =>
      options.phases.includes(pack.statuses[s]!.phase as StatusPhase),
    );
    const reopened = Object.keys(pack.statuses).filter((s) => !ending.includes(s));
    return [
      { kind: "comment" as const },
      ...ending.map((status) => ({ kind: "writeInStatus" as const, status })),
      ...(options.mode === "revert"
        ? reopened.map((status) => ({ kind: "transition" as const, status }))
        : []),
    ];
  },
  check({ ticket, change, options, context }) {
    if (isCreation(change)) return [];
    const entered = enteredStatus(ticket, change);
    const phaseOf = (s: string) => context.statuses[s]?.phase as StatusPhase | undefined;
    if (entered === undefined || ticket.status.value !== entered) return [];
    const phase = phaseOf(entered);
    if (!phase || !options.phases.includes(phase)) return [];
    const since = workStarted(ticket, (s) => phaseOf(s) === "in_progress");
    const comments: Comment[] = [...ticket.comments, ...(change.comment ? [change.comment] : [])];
    const described = comments.some(
      (c) =>
        c.public &&
        c.createdAt >= since &&
        c.author.id !== ticket.reporter.id &&
        isExecutor(c.author) &&
        c.body.trim().length >= options.minLength,
    );
    if (described) return [];
    const previous = previousStatus(change);
    const revert =
      options.mode === "revert" && previous !== undefined && !options.phases.includes(phaseOf(previous)!);
    const actions: Action[] = revert ? [{ type: "transition", status: previous }] : [];
    return [
      {
        outcome: "violation",
        messageId: revert ? "undescribedReverted" : "undescribed",
        data: {
          status: context.display("status", entered),
          ...(revert ? { previous: context.display("status", previous) } : {}),
        },
        actions,
        explain: true,
        ...(options.graceSeconds > 0 ? { graceSeconds: options.graceSeconds } : {}),
      },
    ];
  },
});
