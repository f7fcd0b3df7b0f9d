import { z } from "zod";
import { Impact, Line, Priority } from "../../src/domain/enums.js";

/** `"2"` in YAML or `2` both mean line 2. */
const LineValue = z.preprocess((v) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v), Line);

/**
 * `trackers.<instance>.options` of a GitLab instance. Labels are GitLab's only way to carry
 * priority, impact, line and type, so the mapping says which label means which value;
 * plain (`Priority: High`) and scoped (`priority::high`) labels are written the same way.
 * Every label is also kept in the ticket's labels, so rules can name any of them.
 */
export const GitlabOptions = z.strictObject({
  labels: z
    .strictObject({
      priority: z.record(z.string().min(1), Priority).default({}),
      impact: z.record(z.string().min(1), Impact).default({}),
      line: z.record(z.string().min(1), LineValue).default({}),
      type: z.record(z.string().min(1), z.string().min(1)).default({}),
    })
    .prefault({}),
  /** The pack's status for each GitLab state. */
  statuses: z
    .strictObject({
      opened: z.string().min(1).default("opened"),
      closed: z.string().min(1).default("closed"),
    })
    .prefault({}),
  /** Post the bridge's notes as internal notes (visible to project members only). */
  internalNotes: z.boolean().default(false),
  /** How far back the first reconciliation run looks when no cursor is stored yet. */
  backfillHours: z.number().int().min(0).default(24),
  /** Issues per page when listing for reconciliation (GitLab allows at most 100). */
  pageSize: z.number().int().min(1).max(100).default(100),
  /** A GitLab API call that takes longer fails and is retried by the pipeline. */
  requestTimeoutMs: z.number().int().positive().default(10_000),
  /**
   * The projects' GitLab tier: `premium` (Premium, Ultimate: scoped labels exclusive,
   * several assignees, blocking links) or `free`. Detected at start-up when absent.
   */
  tier: z.enum(["free", "premium"]).optional(),
  /** How often reconciliation also looks whether GitLab paused or disabled the bridge's webhooks. */
  webhookCheckMinutes: z.number().int().min(1).default(15),
});
export type GitlabOptions = z.infer<typeof GitlabOptions>;
