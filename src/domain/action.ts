import { z } from "zod";
import type { Language } from "../engine/rule.js";
import { redactPersonalData } from "../text/personal-data.js";
import { own } from "./own.js";

/**
 * What a decision asks the tracker to do, in neutral terms; adapters turn each into
 * native API calls. Fields are the neutral names of the Ticket model (`priority`,
 * `impact`, `type`, `status`, …) and values are normalised values.
 */
export const Action = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("setField"), field: z.string().min(1), value: z.unknown() }),
  z.strictObject({ type: z.literal("addLabel"), label: z.string().min(1) }),
  z.strictObject({ type: z.literal("removeLabel"), label: z.string().min(1) }),
  z.strictObject({
    type: z.literal("comment"),
    body: z.string().min(1),
    public: z.boolean().default(true),
    /** A stable identity the writer embeds: a comment with the same key is never posted twice. */
    key: z.string().min(1).optional(),
  }),
  z.strictObject({ type: z.literal("transition"), status: z.string().min(1) }),
  z.strictObject({ type: z.literal("assign"), to: z.string().min(1) }),
  z.strictObject({
    type: z.literal("createLinked"),
    project: z.string().min(1),
    title: z.string().min(1),
    description: z.string().default(""),
    labels: z.array(z.string()).default([]),
    link: z.string().default("relates_to"),
    key: z.string().min(1).optional(),
  }),
]);
export type Action = z.infer<typeof Action>;
export type ActionType = Action["type"];

/** The tracker field an action writes, for conflict detection; undefined for comments and links. */
export function actionTarget(action: Action): string | undefined {
  switch (action.type) {
    case "setField":
      return action.field;
    case "transition":
      return "status";
    case "assign":
      return "assignee";
    case "addLabel":
    case "removeLabel":
      return `label:${action.label}`;
    case "comment":
    case "createLinked":
      return undefined;
  }
}

/** Actions that change the ticket's state, as opposed to what is said or created about it. */
export type Effect = Exclude<Action, { type: "comment" | "createLinked" }>;
export type Note = Extract<Action, { type: "comment" | "createLinked" }>;

export function isEffect(action: Action): action is Effect {
  return action.type !== "comment" && action.type !== "createLinked";
}

/**
 * Words for the actions, in the language of whoever reads them. Field, status, label and
 * user values are the neutral values the adapters write, shown as they are.
 */
const words: Record<
  Language,
  {
    fields: Readonly<Record<string, string>>;
    set(field: string, value: string): string;
    addLabel(label: string): string;
    removeLabel(label: string): string;
    comment: string;
    visibility(isPublic: boolean): string;
    transition(status: string): string;
    assign(to: string): string;
    createLinked(project: string, title: string): string;
  }
> = {
  en: {
    fields: {},
    set: (field, value) => `set ${field} = ${value}`,
    addLabel: (label) => `add label "${label}"`,
    removeLabel: (label) => `remove label "${label}"`,
    comment: "comment",
    visibility: (isPublic) => (isPublic ? "public" : "private"),
    transition: (status) => `transition to ${status}`,
    assign: (to) => `assign to ${to}`,
    createLinked: (project, title) => `create linked issue in ${project}: "${title}"`,
  },
  ru: {
    // The Ticket model's neutral fields, in the case "установить" takes.
    fields: {
      priority: "приоритет",
      impact: "влияние",
      type: "тип",
      status: "статус",
      line: "линию",
      assignee: "исполнителя",
    },
    set: (field, value) => `установить ${field} = ${value}`,
    addLabel: (label) => `добавить метку «${label}»`,
    removeLabel: (label) => `снять метку «${label}»`,
    comment: "комментарий",
    visibility: (isPublic) => (isPublic ? "публичный" : "внутренний"),
    transition: (status) => `перевести в статус ${status}`,
    assign: (to) => `назначить исполнителем ${to}`,
    createLinked: (project, title) => `создать связанную задачу в ${project}: «${title}»`,
  },
};

export interface DescribeOptions {
  /** Show a comment whole, each line indented by this, under its kind (`check`'s detailed output); default: its first line. */
  indent?: string;
  /** Default English: the audit report's language. */
  language?: Language;
}

/** One action as a person reads it, in their language. */
export function describeAction(a: Action, { indent, language = "en" }: DescribeOptions = {}): string {
  const w = words[language];
  // What a person reads (the console, audit reports, the CLI): labels, titles and bodies
  // may quote a ticket, so the whole is redacted before a comment is cut to its first line.
  if (a.type === "comment" && indent === undefined)
    return `${w.comment}: ${redactPersonalData(a.body).split("\n")[0]}`;
  return redactPersonalData(describe(a, w, indent ?? ""));
}

function describe(a: Action, w: (typeof words)[Language], indent: string): string {
  switch (a.type) {
    case "setField":
      return w.set(own(w.fields, a.field) ?? a.field, JSON.stringify(a.value));
    case "addLabel":
      return w.addLabel(a.label);
    case "removeLabel":
      return w.removeLabel(a.label);
    case "comment":
      return `${w.comment} (${w.visibility(a.public)}):\n${a.body.replace(/^/gm, indent)}`;
    case "transition":
      return w.transition(a.status);
    case "assign":
      return w.assign(a.to);
    case "createLinked":
      return w.createLinked(a.project, a.title);
  }
}
