import { z } from "zod";

/**
 * The Yandex Tracker API shapes the adapter reads, as documented in the API reference
 * (issue, comment, changelog, transition answers). Objects are loose: queues add local
 * fields, and only what is named here is read.
 */

/** A reference to another object: `{ self, id, key?, display }`. */
export const Ref = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  key: z.string().optional(),
  display: z.string().optional(),
});
export type Ref = z.infer<typeof Ref>;

export const TrackerIssue = z.looseObject({
  key: z.string().min(1),
  version: z.number().int().optional(),
  summary: z.string(),
  description: z.string().nullish(),
  type: Ref.optional(),
  priority: Ref.optional(),
  status: Ref,
  queue: Ref,
  assignee: Ref.nullish(),
  createdBy: Ref,
  updatedBy: Ref.optional(),
  followers: z.array(Ref).default([]),
  tags: z.array(z.string()).default([]),
  createdAt: z.string().min(1),
  updatedAt: z.string().min(1),
});
export type TrackerIssue = z.infer<typeof TrackerIssue>;

export const TrackerComment = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  text: z.string().default(""),
  createdBy: Ref,
  createdAt: z.string().min(1),
});
export type TrackerComment = z.infer<typeof TrackerComment>;

export const ChangelogItem = z.looseObject({
  id: z.string(),
  updatedAt: z.string().min(1),
  updatedBy: Ref,
  type: z.string(),
  fields: z
    .array(z.looseObject({ field: z.looseObject({ id: z.string() }), from: z.unknown(), to: z.unknown() }))
    .default([]),
  comments: z
    .looseObject({
      added: z.array(z.looseObject({ id: z.union([z.string(), z.number()]).transform(String) })).default([]),
    })
    .optional(),
});
export type ChangelogItem = z.infer<typeof ChangelogItem>;

export const Transition = z.looseObject({
  id: z.string(),
  display: z.string().optional(),
  to: z.looseObject({ key: z.string(), display: z.string().optional() }),
  /** The transition's screen, when it has one (new-transition.md's answer; the official client's `screen`). */
  screen: z.looseObject({ id: z.union([z.string(), z.number()]).transform(String) }).nullish(),
});
export type Transition = z.infer<typeof Transition>;

/**
 * A transition screen's elements, as the official client reads them
 * (`GET /v2/screens/{id}/elements`: `field`, `required`, `defaultValue`); not in the
 * public API reference, so an answer of another shape is read as "nothing known".
 */
export const ScreenElement = z.looseObject({
  field: z.looseObject({ id: z.string(), display: z.string().optional() }),
  required: z.boolean().optional(),
  defaultValue: z.unknown().optional(),
});
export type ScreenElement = z.infer<typeof ScreenElement>;

/** `GET /v2/priorities` (get-priorities.md): `{ id, key, name, order, version }`. */
export const TrackerPriority = z.looseObject({ key: z.string(), name: z.string().optional() });

/** An optional number or string a template renders; empty (a variable with nothing to say) is absent. */
const rendered = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .optional()
  .transform((v) => (v ? v : undefined));

/**
 * The body of the trigger's HTTP request (README, "Yandex Tracker trigger"): the issue
 * key, what happened, who did it and when; and, to tell two changes within one second
 * apart, the issue's `version` (bumped by every change, answer-issue.md) and the comment
 * the change added (`{{userComment.id}}`, user/vars.md).
 */
export const TriggerBody = z.strictObject({
  key: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*-\d+$/, "an issue key such as SUPPORT-123"),
  event: z.string().min(1),
  actor: z.string().min(1),
  updatedAt: z.string().min(1),
  version: rendered,
  commentId: rendered,
});
export type TriggerBody = z.infer<typeof TriggerBody>;
