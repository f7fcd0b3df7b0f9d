import { z } from "zod";
import type { Action } from "../../src/domain/action.js";
import { defineRule } from "../../src/engine/rule.js";
import { isCreation, labelAdded } from "../support/change-facts.js";
import { undeclaredParams } from "../support/option-refs.js";
import { resolveText, TextRef } from "../support/user-ref.js";

const Options = z.strictObject({
  /** A ticket carrying this label (`{ param }`: the deployment names it; unset, the rule is quiet)… */
  label: TextRef,
  /** …needs a linked issue in this project… */
  project: z.string().min(1),
  /** …carrying one of these labels (its priority). */
  labelsAny: z.array(z.string().min(1)).min(1),
  /** `ask` asks for it; `create` creates it (with the ticket's own label of `labelsAny`) and links it. */
  mode: z.enum(["ask", "create"]).default("ask"),
  /** The created issue's title; {key} and {title} are the ticket's. */
  title: z.string().min(1).default("{title} ({key})"),
  /** What the linked issue is, for the message. */
  purpose: z.string().min(1),
});
type Options = z.infer<typeof Options>;

type MessageId = "missing" | "unprioritised" | "created";

export default defineRule<Options, MessageId>({
  id: "linked-issue-required",
  description:
    "A ticket with a given label needs a linked issue in another project carrying a priority label (a support issue's software change in the development project).",
  options: Options,
  messages: {
    ru: {
      missing:
        "Задаче с меткой «{label}» нужна {purpose}: создайте (или перенесите) задачу в проекте {project} с меткой приоритета ({labels}) и свяжите её с этой.",
      unprioritised:
        "Связанной задаче {linked} в проекте {project} не назначена метка приоритета: поставьте одну из {labels}.",
      created:
        "Задаче с меткой «{label}» нужна {purpose}: создана связанная задача «{title}» в проекте {project}.",
    },
    en: {
      missing:
        'An issue labelled "{label}" needs a {purpose}: create (or move) an issue in project {project} with a priority label ({labels}) and link it to this one.',
      unprioritised:
        "The linked issue {linked} in project {project} has no priority label: set one of {labels}.",
      created:
        'An issue labelled "{label}" needs a {purpose}: linked issue "{title}" was created in project {project}.',
    },
  },
  validate: (options, pack) => undeclaredParams([options.label], pack, "label"),
  needs: (options) => [
    { kind: "comment" },
    ...(options.mode === "create" ? [{ kind: "createLinked" as const, project: options.project }] : []),
  ],
  readsLinks: (options, ticket, change, params) => {
    const label = typeof options.label === "string" ? options.label : params[options.label.param];
    return (
      typeof label === "string" &&
      ticket.labels.includes(label) &&
      (isCreation(change) || labelAdded(ticket, change, label))
    );
  },
  check(input) {
    const { ticket, change, options, context } = input;
    const label = resolveText(options.label, input);
    if (label === undefined || !ticket.labels.includes(label)) return [];
    if (!isCreation(change) && !labelAdded(ticket, change, label)) return [];
    // Without the links (a tracker that does not link, a failed read) nothing can be said.
    if (!context.links) return [];
    const inProject = context.links.filter((l) => l.project === options.project);
    const labels = options.labelsAny.map((l) => `«${l}»`).join(", ");
    const data = { label, project: options.project, labels, purpose: options.purpose };
    if (inProject.some((l) => l.labels.some((x) => options.labelsAny.includes(x)))) return [];
    if (inProject.length)
      return [
        {
          outcome: "violation",
          messageId: "unprioritised",
          data: { ...data, linked: inProject.map((l) => l.url ?? l.id).join(", ") },
          actions: [],
          explain: true,
        },
      ];
    if (options.mode === "ask")
      return [{ outcome: "violation", messageId: "missing", data, actions: [], explain: true }];
    const title = options.title.replaceAll("{key}", ticket.ref.id).replaceAll("{title}", ticket.title);
    const priority = ticket.labels.filter((l) => options.labelsAny.includes(l));
    const actions: Action[] = [
      {
        type: "createLinked",
        project: options.project,
        title,
        description: ticket.ref.url ?? ticket.ref.id,
        labels: priority,
        link: "relates_to",
      },
    ];
    return [{ outcome: "info", messageId: "created", data: { ...data, title }, actions, explain: true }];
  },
});
