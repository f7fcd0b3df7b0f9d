import { z } from "zod";
import { isSpan } from "../calendar/duration.js";
import { Priority } from "../domain/enums.js";
import { PatternOption } from "../text/pattern-option.js";

/**
 * A pack's `sla` section: its clocks and their target tables. Durations are text
 * (`5m`, `4h`, `2d`; `d` = a working day of the pack's calendar) or `none` for "by
 * agreement" (no target, no clock). Rows are matched in order; the first row whose
 * types and priorities match the ticket gives the target.
 */

const Target = z.union([z.literal("none"), z.string().refine(isSpan, "a duration like 5m, 4h, 2d or none")]);

const Row = z.strictObject({
  /** Ticket types this row applies to; all types when absent. */
  types: z.array(z.string().min(1)).optional(),
  /** Priorities this row applies to; all priorities when absent. */
  priorities: z.array(Priority).optional(),
  target: Target,
});
export type SlaRow = z.infer<typeof Row>;

export const clockKinds = ["reaction", "inWork", "resolution"] as const;

const Clock = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  /**
   * `reaction` stops at the first public comment by the responsible line; `inWork` when
   * the ticket first enters an in-progress status; `resolution` when it is resolved.
   */
  kind: z.enum(clockKinds),
  /** For reaction clocks: whose comment counts — line 1, or the executor (line 2 or 3). */
  line: z.union([z.literal(1), z.literal("executor")]).optional(),
  /** Working time of the calendar (default) or plain elapsed time ("within 72 hours"). */
  time: z.enum(["working", "calendar"]).default("working"),
  targets: z.array(Row).min(1),
  /** What the clock is called in alerts and explanations. */
  title: z.string().min(1),
});
export type SlaClock = z.infer<typeof Clock>;

export const SlaSpec = z.strictObject({
  /** Share of the target after which a clock is at risk. */
  atRiskRatio: z.number().gt(0).lt(1).default(0.8),
  /** Statuses whose time is excluded from every clock; default: every status of the waiting_customer phase. */
  pauseStatuses: z.array(z.string().min(1)).optional(),
  clocks: z.array(Clock).default([]),
  autoClose: z
    .strictObject({
      /** In these statuses… */
      statuses: z.array(z.string().min(1)).min(1),
      /** …without a public comment of the reporter for this long (working time)… */
      after: Target.refine((t) => t !== "none", "auto-close needs a duration"),
      /** …the ticket moves to this status, with a comment and a ticket.auto_closed alert. */
      to: z.string().min(1),
    })
    .optional(),
  /**
   * Deadlines the executor may extend with the initiator's consent (Krasnoyarsk 4.8): an
   * executor's public comment proposing a new date (`command`, then the date as
   * `2026-03-10 15:00` or `10.03.2026 15:00`; a date alone means the end of that working
   * day), accepted by the reporter's public reply agreeing (`agreement`, not negated).
   * Both are case-insensitive patterns run on RE2 (no look-around, no back-references).
   */
  extension: z
    .strictObject({
      section: z.string().min(1),
      clocks: z.array(z.string().min(1)).min(1),
      command: PatternOption.default(
        "продлева\\S*\\s+срок\\S*\\s+до|продлить\\s+срок\\S*\\s+до|extend\\S*\\s+(the\\s+)?deadline\\s+to",
      ),
      agreement: PatternOption.default(
        "согласен|согласна|согласны|не возражаю|не возражаем|подтверждаю|подтверждаем|agree",
      ),
    })
    .optional(),
  /** Tell the reporter in the tracker when a deadline is missed (Krasnoyarsk 6.8). */
  notifyReporterOnBreach: z.boolean().default(false),
  /** The regulation section the SLA rests on, cited in alerts and comments. */
  section: z.string().min(1),
});
export type SlaSpec = z.infer<typeof SlaSpec>;

/**
 * The SLA choices a regulation leaves to the deployment (`packs.<id>.sla`): how long a
 * resolved ticket waits for its reporter before it closes, and which statuses pause the
 * clocks (`[]`: none).
 */
export const SlaOverride = z.strictObject({
  autoCloseAfter: Target.refine((t) => t !== "none", "auto-close needs a duration").optional(),
  pauseStatuses: z.array(z.string().min(1)).optional(),
});
export type SlaOverride = z.infer<typeof SlaOverride>;
