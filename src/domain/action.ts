import { z } from "zod";
import { redactPersonalData } from "../text/personal-data.js";

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
 * One action as a person reads it. A comment is shown by its first line (lists of
 * actions), or whole and indented under its kind (`check`'s detailed output).
 */
export function describeAction(a: Action, comment: "first line" | { indent: string } = "first line"): string {
  // What a person reads (the console, audit reports, the CLI): labels, titles and bodies
  // may quote a ticket, so the whole is redacted before a comment is cut to its first line.
  if (a.type === "comment" && comment === "first line")
    return `comment: ${redactPersonalData(a.body).split("\n")[0]}`;
  return redactPersonalData(describe(a, comment));
}

function describe(a: Action, comment: "first line" | { indent: string }): string {
  switch (a.type) {
    case "setField":
      return `set ${a.field} = ${JSON.stringify(a.value)}`;
    case "addLabel":
      return `add label "${a.label}"`;
    case "removeLabel":
      return `remove label "${a.label}"`;
    case "comment":
      return comment === "first line"
        ? `comment: ${a.body.split("\n")[0]}`
        : `comment (${a.public ? "public" : "private"}):\n${a.body.replace(/^/gm, comment.indent)}`;
    case "transition":
      return `transition to ${a.status}`;
    case "assign":
      return `assign to ${a.to}`;
    case "createLinked":
      return `create linked issue in ${a.project}: "${a.title}"`;
  }
}
