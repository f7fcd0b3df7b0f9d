import { z } from "zod";

/**
 * The MantisBT 2.x REST shapes the adapter reads, as recorded from a real 2.28 server
 * (`../shared/fixtures/mantisbt/`). MantisBT drops null keys and empty arrays, so almost
 * everything may be missing; objects are loose because installations add fields.
 */
const Id = z.number().int();

/** `{ id, name, label }`: `name` is the English key; `label` is in the API user's language and never read. */
export const EnumRef = z.looseObject({ id: Id, name: z.string() });
export type EnumRef = z.infer<typeof EnumRef>;

export const Account = z.looseObject({
  id: Id,
  name: z.string().optional(),
  real_name: z.string().optional(),
});
export type Account = z.infer<typeof Account>;

/** A file of an issue or a note (`filename`, `size`; the content is never read). */
export const MantisFile = z.looseObject({
  id: Id,
  filename: z.string().min(1),
  size: z.number().int().optional(),
});

export const MantisNote = z.looseObject({
  id: Id,
  reporter: Account,
  text: z.string(),
  view_state: EnumRef.optional(),
  created_at: z.string().min(1),
  attachments: z.array(MantisFile).default([]),
});
export type MantisNote = z.infer<typeof MantisNote>;

export const MantisHistoryItem = z.looseObject({
  created_at: z.string().min(1),
  user: Account,
  type: z.looseObject({ id: Id, name: z.string() }),
  field: z.looseObject({ name: z.string() }).optional(),
  old_value: z.unknown().optional(),
  new_value: z.unknown().optional(),
  note: z.looseObject({ id: Id }).optional(),
  tag: z.looseObject({ id: Id, name: z.string() }).optional(),
});
export type MantisHistoryItem = z.infer<typeof MantisHistoryItem>;

export const MantisIssue = z.looseObject({
  id: Id,
  summary: z.string(),
  description: z.string().default(""),
  project: z.looseObject({ id: Id, name: z.string().optional() }),
  category: z.looseObject({ id: Id, name: z.string() }).optional(),
  reporter: Account,
  handler: Account.optional(),
  status: EnumRef,
  priority: EnumRef.optional(),
  severity: EnumRef.optional(),
  view_state: EnumRef.optional(),
  created_at: z.string().min(1),
  updated_at: z.string().min(1),
  notes: z.array(MantisNote).default([]),
  /** The issue's own files; a note's are under the note. */
  attachments: z.array(MantisFile).default([]),
  custom_fields: z
    .array(z.looseObject({ field: z.looseObject({ id: Id, name: z.string() }), value: z.string() }))
    .default([]),
  tags: z.array(z.looseObject({ id: Id, name: z.string() })).default([]),
  history: z.array(MantisHistoryItem).default([]),
});
export type MantisIssue = z.infer<typeof MantisIssue>;

/** `GET /issues/{id}`, `GET /issues?…` and `PATCH /issues/{id}` all answer `{ issues: [...] }`. */
export const IssuesAnswer = z.looseObject({ issues: z.array(MantisIssue) });

/** A polling listing asks only for what it needs (`select=id,project,updated_at`). */
export const ListingAnswer = z.looseObject({
  issues: z.array(z.looseObject({ id: Id, updated_at: z.string().min(1) })),
});

/** What the ReglamentWebhook plugin posts: a hint naming the issue, signed over the body. */
export const PluginEvent = z.strictObject({
  issue_id: Id.positive(),
  project_id: Id.positive(),
  event: z.enum(["report", "update", "status", "note"]),
  actor: z.string().min(1),
  time: z.string().min(1),
});
export type PluginEvent = z.infer<typeof PluginEvent>;
