import { z } from "zod";

/**
 * The GitLab shapes the adapter reads, as documented in GitLab's webhook events page
 * (`doc/user/project/integrations/webhook_events.md`) and REST API. GitLab adds fields
 * between releases: objects accept any others and drop them unread (zod's default), which
 * also spares the webhook path a copy of every field a hook carries.
 */

const Id = z.number().int();

export const HookUser = z.object({
  id: Id.optional(),
  name: z.string().optional(),
  username: z.string().min(1),
});
export type HookUser = z.infer<typeof HookUser>;

export const HookLabel = z.object({ title: z.string() });

export const HookProject = z.object({
  id: Id,
  path_with_namespace: z.string().min(1),
  web_url: z.string().optional(),
});

/** A `changes` entry: GitLab always sends `previous` and `current` (either may be null). */
const Change = <T extends z.ZodType>(value: T) =>
  z
    .object({ previous: value.nullish(), current: value.nullish() })
    .refine((c) => c.previous !== undefined || c.current !== undefined, {
      message: 'has neither "previous" nor "current"',
    });

/** `object_attributes` of an Issue Hook / Work Item Hook. */
export const HookIssueAttributes = z.object({
  id: Id,
  iid: Id,
  title: z.string(),
  description: z.string().nullish(),
  state: z.string().min(1),
  action: z.string().optional(),
  labels: z.array(HookLabel).default([]),
  assignee_ids: z.array(Id).default([]),
  author_id: Id,
  created_at: z.string().min(1),
  updated_at: z.string().min(1),
  confidential: z.boolean().optional(),
  type: z.string().optional(),
  url: z.string().optional(),
});

export const IssueHook = z.object({
  object_kind: z.enum(["issue", "work_item"]),
  event_type: z.string().optional(),
  user: HookUser,
  project: HookProject,
  object_attributes: HookIssueAttributes,
  assignees: z.array(HookUser).default([]),
  changes: z
    .object({
      labels: Change(z.array(HookLabel)).optional(),
      assignees: Change(z.array(HookUser)).optional(),
      state_id: Change(Id).optional(),
      title: Change(z.string()).optional(),
      description: Change(z.string()).optional(),
      confidential: Change(z.boolean()).optional(),
    })
    .default({}),
});
export type IssueHook = z.infer<typeof IssueHook>;

/** A Note Hook on an issue: the note in `object_attributes`, its issue under `issue`. */
export const NoteHook = z.object({
  object_kind: z.literal("note"),
  event_type: z.string().optional(),
  user: HookUser,
  project: HookProject,
  object_attributes: z.object({
    id: Id,
    note: z.string(),
    noteable_type: z.string(),
    author_id: Id.optional(),
    system: z.boolean().optional(),
    action: z.string().optional(),
    internal: z.boolean().optional(),
    confidential: z.boolean().optional(),
    created_at: z.string().min(1),
    url: z.string().optional(),
  }),
  issue: z
    .object({
      id: Id,
      iid: Id,
      title: z.string(),
      description: z.string().nullish(),
      state: z.string().min(1),
      labels: z.array(HookLabel).default([]),
      author_id: Id,
      assignee_ids: z.array(Id).default([]),
      created_at: z.string().min(1),
      updated_at: z.string().optional(),
    })
    .optional(),
});
export type NoteHook = z.infer<typeof NoteHook>;

/** `GET /projects/:id/issues/:iid` (and the elements of the issue listings). */
export const RestUser = z.object({ id: Id, username: z.string().min(1), name: z.string().optional() });
export type RestUser = z.infer<typeof RestUser>;

export const RestIssue = z.object({
  id: Id,
  iid: Id,
  project_id: Id,
  title: z.string(),
  description: z.string().nullish(),
  state: z.string().min(1),
  labels: z.array(z.string()).default([]),
  author: RestUser,
  assignees: z.array(RestUser).default([]),
  created_at: z.string().min(1),
  updated_at: z.string().min(1),
  web_url: z.string().optional(),
  references: z.object({ full: z.string().optional() }).optional(),
});
export type RestIssue = z.infer<typeof RestIssue>;

/** `GET /projects/:id/issues/:iid/notes`. */
export const RestNote = z.object({
  id: Id,
  body: z.string(),
  author: RestUser,
  created_at: z.string().min(1),
  system: z.boolean().default(false),
  internal: z.boolean().optional(),
  confidential: z.boolean().optional(),
});
export type RestNote = z.infer<typeof RestNote>;

/** `GET /projects/:id/issues/:iid/resource_label_events`. */
export const RestLabelEvent = z.object({
  id: Id,
  user: RestUser,
  created_at: z.string().min(1),
  label: z.object({ name: z.string() }).nullable(),
  action: z.enum(["add", "remove"]),
});
export type RestLabelEvent = z.infer<typeof RestLabelEvent>;

/** `GET /projects/:id/issues/:iid/links`: the linked issues, each with its project. */
export const RestLinkedIssue = z.object({
  iid: Id,
  project_id: Id,
  description: z.string().nullish(),
  title: z.string(),
  labels: z.array(z.string()).default([]),
  web_url: z.string().optional(),
  references: z.object({ full: z.string() }).optional(),
});
