import { z } from "zod";
import type { Action } from "../../src/domain/action.js";
import type { TrackerNeed } from "../../src/domain/tracker-needs.js";
import { defineRule, type Finding } from "../../src/engine/rule.js";
import { enteredStatus, previousStatus } from "../support/change-facts.js";
import { unknownStatuses } from "../support/option-refs.js";

const Guard = z
  .strictObject({
    /** The guarded status. */
    to: z.string().min(1),
    /** It may only be entered directly from one of these statuses. */
    after: z.array(z.string().min(1)).optional(),
    /** Or only by the ticket's reporter (e.g. "closed by the initiator"). */
    byReporter: z.boolean().default(false),
    /**
     * `revert` moves the ticket back to where it came from; `comment` only explains;
     * `revertWhereReporterCloses` reverts only where the start-up check found that the
     * reporter may close (else nobody could: MantisBT's stock allow_reporter_close is off),
     * and explains elsewhere.
     */
    action: z.enum(["revert", "comment", "revertWhereReporterCloses"]).default("revert"),
    /** On a revert, the ticket also goes back to its reporter (the one who must close it). */
    handBack: z.boolean().default(false),
  })
  .refine((g) => g.after !== undefined || g.byReporter, {
    message: "give `after` statuses or `byReporter: true`",
  });

const Options = z.strictObject({ guards: z.array(Guard).min(1) });
type Options = z.infer<typeof Options>;

type MessageId = "notAfter" | "notByReporter";

export default defineRule<Options, MessageId>({
  id: "status-transition-guard",
  description: "A status is reachable only from given statuses, or only by the reporter.",
  options: Options,
  messages: {
    ru: {
      notAfter:
        "Перевод в статус «{to}» возможен только из статуса {after}, а заявка была в статусе «{from}». {outcome}",
      notByReporter: "Перевести заявку в статус «{to}» может только её инициатор. {outcome}",
    },
    en: {
      notAfter: 'The status "{to}" may only follow {after}, but the ticket was in "{from}". {outcome}',
      notByReporter: 'Only the reporter may move the ticket to "{to}". {outcome}',
    },
  },
  validate: (options, pack) =>
    unknownStatuses(
      options.guards.flatMap((g) => [g.to, ...(g.after ?? [])]),
      pack,
    ),
  needs: (options, pack) =>
    options.guards.flatMap((guard): TrackerNeed[] => {
      const others = Object.keys(pack.statuses).filter((s) => s !== guard.to);
      const resolved = others.filter((s) => pack.statuses[s]?.phase === "resolved");
      return [
        { kind: "comment" },
        { kind: "writeInStatus", status: guard.to },
        // A revert goes back to where the ticket came from: any allowed origin, else any status.
        ...(guard.action !== "comment"
          ? (guard.after ?? others).map((status) => ({ kind: "transition" as const, status }))
          : []),
        ...(guard.action !== "comment" && guard.handBack
          ? [{ kind: "assign" as const }, { kind: "assignReporter" as const }]
          : []),
        ...(guard.byReporter && pack.statuses[guard.to]?.phase === "closed" && resolved.length
          ? [{ kind: "reporterClosesResolved" as const, resolved, closed: guard.to }]
          : []),
      ];
    }),
  check(input) {
    const { ticket, change, options, context, actor } = input;
    const entered = enteredStatus(ticket, change);
    const from = previousStatus(change);
    if (entered === undefined || from === undefined) return [];
    const ru = context.language === "ru";
    const findings: Finding<MessageId>[] = [];
    for (const guard of options.guards.filter((g) => g.to === entered)) {
      const badOrigin = guard.after !== undefined && !guard.after.includes(from);
      const badActor = guard.byReporter && actor.id !== ticket.reporter.id;
      if (!badOrigin && !badActor) continue;
      // Reverting a close where the reporter may not close would leave a ticket nobody closes.
      const heldBack =
        guard.action === "revertWhereReporterCloses" && context.tracker?.reporterCloses !== true;
      const revert = guard.action === "revert" || (guard.action === "revertWhereReporterCloses" && !heldBack);
      const handBack = revert && guard.handBack && ticket.assignee?.id !== ticket.reporter.id;
      const actions: Action[] = [
        ...(revert ? [{ type: "transition" as const, status: from }] : []),
        ...(handBack ? [{ type: "assign" as const, to: ticket.reporter.id }] : []),
      ];
      const back = context.display("status", from);
      const outcome = revert
        ? ru
          ? `Статус возвращён на «${back}»${handBack ? ", ответственный — инициатор" : ""}.`
          : `The status was set back to "${back}"${handBack ? ", with the reporter responsible" : ""}.`
        : heldBack
          ? context.tracker?.reporterCloses === false
            ? ru
              ? "Статус не возвращён: трекер не даёт инициатору закрыть решённую заявку (стартовая проверка называет настройку)."
              : "The status was not set back: the tracker does not let the reporter close a resolved ticket (the start-up check names the setting)."
            : ru
              ? "Статус не возвращён: не проверено, может ли инициатор закрыть заявку в этом трекере."
              : "The status was not set back: whether the reporter may close a ticket in this tracker was not checked."
          : "";
      const to = context.display("status", guard.to);
      findings.push(
        badOrigin
          ? {
              outcome: "violation",
              messageId: "notAfter",
              data: {
                to,
                from: context.display("status", from),
                after: (guard.after ?? [])
                  .map((s) => `«${context.display("status", s)}»`)
                  .join(ru ? " или " : " or "),
                outcome,
              },
              actions,
              explain: true,
            }
          : {
              outcome: "violation",
              messageId: "notByReporter",
              data: { to, outcome },
              actions,
              explain: true,
            },
      );
    }
    return findings;
  },
});
