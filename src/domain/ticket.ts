import { z } from "zod";
import { Impact, Line, Priority, Role, StatusPhase, TrackerKind } from "./enums.js";

/** What a tracker calls a value: MantisBT's enum id, a GitLab label, a Yandex Tracker key. */
export const NativeValue = z.union([z.string(), z.number()]);
export type NativeValue = z.infer<typeof NativeValue>;

/** `"high"` → `{ value: "high" }`: the short form a ticket file may use. */
function shortForm(input: unknown): unknown {
  return typeof input === "string" ? { value: input } : input;
}

/**
 * A normalised value with the tracker's own value beside it. In a ticket file the short
 * form `"high"` is accepted for `{ "value": "high" }`.
 */
function valued<T extends z.ZodType<string>>(value: T) {
  const full = z.strictObject({
    value,
    native: NativeValue.optional(),
    label: z.string().optional(),
  });
  return z.preprocess(shortForm, full);
}

export const ImpactValue = valued(Impact);
export type ImpactValue = z.infer<typeof ImpactValue>;
export const PriorityValue = valued(Priority);
export type PriorityValue = z.infer<typeof PriorityValue>;
/** A ticket type (MantisBT category, Yandex Tracker issue type, a GitLab type label). */
export const TypeValue = valued(z.string().min(1));
export type TypeValue = z.infer<typeof TypeValue>;

/**
 * A status in the pack's vocabulary (`value`, e.g. `feedback`, `needInfo`) and the
 * phase of SPEC §2 it belongs to. The phase may be left out of a ticket file: the pack's
 * status vocabulary supplies it.
 */
const StatusFull = z.strictObject({
  value: z.string().min(1),
  phase: StatusPhase.optional(),
  native: NativeValue.optional(),
  label: z.string().optional(),
});
export const StatusValue = z.preprocess(shortForm, StatusFull);
export type StatusValue = z.infer<typeof StatusValue>;

/** ISO 8601 timestamp with an offset; kept as the string so no time zone is lost. */
export const Timestamp = z.iso.datetime({ offset: true });

export const TicketRef = z.strictObject({
  tracker: TrackerKind,
  instance: z.string().min(1).default("default"),
  project: z.string().optional(),
  id: z.union([z.string().min(1), z.number().int()]).transform(String),
  url: z.url().optional(),
});
export type TicketRef = z.infer<typeof TicketRef>;

export const Actor = z.strictObject({
  id: z.union([z.string().min(1), z.number().int()]).transform(String),
  name: z.string().optional(),
  line: Line.optional(),
  role: Role.optional(),
});
export type Actor = z.infer<typeof Actor>;

export const Comment = z.strictObject({
  id: z.union([z.string(), z.number()]).transform(String),
  author: Actor,
  body: z.string(),
  public: z.boolean().default(true),
  createdAt: Timestamp,
});
export type Comment = z.infer<typeof Comment>;

export const HistoryEntry = z.strictObject({
  field: z.string().min(1),
  from: z.unknown().optional(),
  to: z.unknown().optional(),
  by: Actor,
  at: Timestamp,
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** A file attached to the ticket (or to one of its comments), as far as the tracker tells of it. */
export const Attachment = z.strictObject({
  name: z.string().min(1),
  size: z.number().int().nonnegative().optional(),
  /** The comment it came with, when it did. */
  commentId: z.union([z.string(), z.number()]).transform(String).optional(),
});
export type Attachment = z.infer<typeof Attachment>;

/** A ticket linked to another (GitLab's issue links): where it lives, and its labels. */
export const LinkedTicket = z.strictObject({
  /** The project (path or key) it belongs to. */
  project: z.string().min(1),
  id: z.string().min(1),
  title: z.string().default(""),
  labels: z.array(z.string()).default([]),
  url: z.string().optional(),
});
export type LinkedTicket = z.infer<typeof LinkedTicket>;

export const Ticket = z.strictObject({
  ref: TicketRef,
  title: z.string(),
  description: z.string().default(""),
  type: TypeValue.optional(),
  impact: ImpactValue.optional(),
  priority: PriorityValue.optional(),
  status: StatusValue,
  line: Line.optional(),
  labels: z.array(z.string()).default([]),
  reporter: Actor,
  assignee: Actor.nullish().transform((a) => a ?? undefined),
  createdAt: Timestamp,
  updatedAt: Timestamp.optional(),
  comments: z.array(Comment).default([]),
  history: z.array(HistoryEntry).default([]),
  /** Files' names (MantisBT attachments, GitLab uploads); empty where the tracker does not give them. */
  attachments: z.array(Attachment).default([]),
  /** Tracker fields the model has no name for (MantisBT custom fields, Yandex Tracker local fields). */
  custom: z.record(z.string(), z.unknown()).default({}),
});
export type Ticket = z.infer<typeof Ticket>;
export type TicketInput = z.input<typeof Ticket>;
