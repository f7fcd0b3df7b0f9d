import { z } from "zod";
import { StatusPhase } from "../../src/domain/enums.js";
import { defineRule } from "../../src/engine/rule.js";
import { enteredStatus } from "../support/change-facts.js";

const Options = z.strictObject({
  /** Tickets carrying this label… */
  label: z.string().min(1),
  /** …that enter a status of this phase… */
  phase: StatusPhase.default("closed"),
  /** …require a linked ticket in this project (e.g. the accident report). */
  project: z.string().min(1),
  /** Title of the new ticket; {key} and {title} are the original's. */
  title: z.string().min(1),
  labels: z.array(z.string().min(1)).default([]),
  /** What the new ticket is, for the message (e.g. "отчёт об аварии"). */
  purpose: z.string().min(1),
});
type Options = z.infer<typeof Options>;

export default defineRule<Options, "created">({
  id: "linked-ticket-on-status",
  description:
    "A labelled ticket reaching a phase (e.g. a closed accident) requires a linked follow-up ticket.",
  options: Options,
  messages: {
    ru: { created: "Требуется {purpose}: создана связанная задача «{title}» в проекте {project}." },
    en: { created: 'A {purpose} is required: linked issue "{title}" was created in project {project}.' },
  },
  needs: (options, pack) => [
    { kind: "comment" },
    { kind: "createLinked", project: options.project },
    ...Object.keys(pack.statuses)
      .filter((s) => pack.statuses[s]?.phase === options.phase)
      .map((status) => ({ kind: "writeInStatus" as const, status })),
  ],
  check({ ticket, change, options, context }) {
    if (!ticket.labels.includes(options.label)) return [];
    const entered = enteredStatus(ticket, change);
    if (entered === undefined || change.kind === "created") return [];
    const phase = context.statuses[entered]?.phase ?? ticket.status.phase;
    if (phase !== options.phase) return [];
    const title = options.title.replaceAll("{key}", ticket.ref.id).replaceAll("{title}", ticket.title);
    return [
      {
        outcome: "info",
        messageId: "created",
        data: { purpose: options.purpose, title, project: options.project },
        actions: [
          {
            type: "createLinked",
            project: options.project,
            title,
            description: `${ticket.ref.url ?? ticket.ref.id}`,
            labels: options.labels,
            link: "relates_to",
          },
        ],
        explain: true,
      },
    ];
  },
});
