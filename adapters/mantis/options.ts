import { z } from "zod";

const EnumIds = z.record(z.string().min(1), z.number().int().positive());

/**
 * `trackers.<instance>.options` of a MantisBT instance. MantisBT silently stores an
 * unknown enum name as 0, so the bridge writes enums by id: the ids below are MantisBT's
 * defaults (`config_defaults_inc.php`) and an installation that changed them overrides
 * them here (`GET /api/rest/config?option[]=severity_enum_string` lists its own).
 */
export const MantisOptions = z.strictObject({
  enums: z
    .strictObject({
      severity: EnumIds.default({
        feature: 10,
        trivial: 20,
        text: 30,
        tweak: 40,
        minor: 50,
        major: 60,
        crash: 70,
        block: 80,
      }),
      priority: EnumIds.default({ none: 10, low: 20, normal: 30, high: 40, urgent: 50, immediate: 60 }),
      status: EnumIds.default({
        new: 10,
        feedback: 20,
        acknowledged: 30,
        confirmed: 40,
        assigned: 50,
        resolved: 80,
        closed: 90,
      }),
    })
    .prefault({}),
  /** The custom field that carries the support line ("Линия поддержки"), when there is one. */
  lineField: z.string().min(1).optional(),
  /**
   * Usernames → MantisBT user ids, for assigning to people the bridge has not yet seen on
   * an issue (MantisBT clears the handler when given an unknown name, so names are never sent).
   */
  userIds: z.record(z.string().min(1), z.number().int().positive()).default({}),
  /** Post the bridge's notes as private notes. */
  privateNotes: z.boolean().default(false),
  /** Issues per page when polling (MantisBT's default is 50). */
  pageSize: z.number().int().min(1).max(500).default(50),
  /** How far back the first poll looks when no cursor is stored; 0 means "from now". */
  backfillHours: z.number().int().min(0).default(24),
  /** A MantisBT API call that takes longer fails and is retried by the pipeline. */
  requestTimeoutMs: z.number().int().positive().default(10_000),
});
export type MantisOptions = z.infer<typeof MantisOptions>;
