import { z } from "zod";
import { StatusPhase } from "../../src/domain/enums.js";
import { defineRule } from "../../src/engine/rule.js";
import { enteredStatus } from "../support/change-facts.js";
import { undeclaredParams } from "../support/option-refs.js";
import { resolveText, resolveUser, TextRef, UserRef } from "../support/user-ref.js";

const Options = z.strictObject({
  /** Tickets carrying this label (`{ param }`: the deployment names it)… */
  label: TextRef,
  /** …that enter a status of this phase… */
  phase: StatusPhase.default("closed"),
  /** …require a linked ticket in this project (e.g. the accident report). */
  project: z.string().min(1),
  /** Title of the new ticket; {key} and {title} are the original's. */
  title: z.string().min(1),
  labels: z.array(z.string().min(1)).default([]),
  /** What the new ticket is, for the message (e.g. "отчёт об аварии"). */
  purpose: z.string().min(1),
  /** Who prepares it: named in the message and the new ticket (the head of support). */
  addressTo: UserRef.optional(),
});
type Options = z.infer<typeof Options>;

export default defineRule<Options, "created">({
  id: "linked-ticket-on-status",
  description:
    "A labelled ticket reaching a phase (e.g. a closed accident) requires a linked follow-up ticket.",
  options: Options,
  messages: {
    ru: { created: "Требуется {purpose}{to}: создана связанная задача «{title}» в проекте {project}." },
    en: { created: 'A {purpose} is required{to}: linked issue "{title}" was created in project {project}.' },
  },
  validate: (options, pack) => [
    ...undeclaredParams([options.label], pack, "label"),
    ...undeclaredParams([options.addressTo], pack, "addressTo"),
  ],
  needs: (options, pack) => [
    { kind: "comment" },
    { kind: "createLinked", project: options.project },
    ...Object.keys(pack.statuses)
      .filter((s) => pack.statuses[s]?.phase === options.phase)
      .map((status) => ({ kind: "writeInStatus" as const, status })),
  ],
  check(input) {
    const { ticket, change, options, context } = input;
    const label = resolveText(options.label, input);
    if (label === undefined || !ticket.labels.includes(label)) return [];
    const entered = enteredStatus(ticket, change);
    if (entered === undefined || change.kind === "created") return [];
    const phase = context.statuses[entered]?.phase ?? ticket.status.phase;
    if (phase !== options.phase) return [];
    const title = options.title.replaceAll("{key}", ticket.ref.id).replaceAll("{title}", ticket.title);
    const to = options.addressTo ? `@${resolveUser(options.addressTo, input)}` : undefined;
    return [
      {
        outcome: "info",
        messageId: "created",
        data: {
          to: to ? (context.language === "ru" ? ` (готовит ${to})` : ` (prepared by ${to})`) : "",
          purpose: options.purpose,
          title,
          project: options.project,
        },
        actions: [
          {
            type: "createLinked",
            project: options.project,
            title,
            description: `${to ? `${to}: ` : ""}${ticket.ref.url ?? ticket.ref.id}`,
            labels: options.labels,
            link: "relates_to",
          },
        ],
        explain: true,
      },
    ];
  },
});
