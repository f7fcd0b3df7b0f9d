import { z } from "zod";
import { Priority } from "../../src/domain/enums.js";

/**
 * `trackers.<instance>.options` of a Yandex Tracker instance. The organisation goes in a
 * header the API requires (`X-Org-ID` for Yandex 360, `X-Cloud-Org-ID` for Yandex Cloud).
 * Priorities and statuses are mapped by their keys; a queue's own statuses (MGERM's
 * "need info", "waiting for customer testing", …) are named here by key.
 */
export const YandexOptions = z
  .strictObject({
    orgId: z
      .union([z.string().min(1), z.number()])
      .transform(String)
      .optional(),
    cloudOrgId: z.string().min(1).optional(),
    /** `OAuth` for an OAuth token, `Bearer` for an IAM token (Cloud organisations only). */
    authScheme: z.enum(["OAuth", "Bearer"]).default("OAuth"),
    /** Tracker priority key → the neutral priority. */
    priorities: z.record(z.string().min(1), Priority).default({
      trivial: "none",
      minor: "low",
      normal: "normal",
      critical: "urgent",
      blocker: "immediate",
    }),
    /** Tracker status key → the pack's status; a key not listed is used as it is. */
    statuses: z.record(z.string().min(1), z.string().min(1)).default({}),
    /**
     * The resolution a transition into a status carries (`POST …/_execute` body
     * `{"resolution": …}`, as the official client closes issues), by the status's Tracker
     * key or the pack's name for it: `{ closed: fixed }`.
     */
    resolutions: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** Other fields a transition's screen requires, by status (key or pack name) → field id → value. */
    transitionFields: z.record(z.string().min(1), z.record(z.string().min(1), z.unknown())).default({}),
    /** Comments read per issue at most; an issue with more is refused by name rather than read in part. */
    maxComments: z.number().int().min(50).default(5000),
    /** Changelog entries kept per issue, the newest; older ones are dropped (and logged), never the newest. */
    maxChangelogEntries: z.number().int().min(50).default(5000),
    /** Where people open an issue, for links: `<webUrl>/<KEY>`. */
    webUrl: z.url().default("https://tracker.yandex.ru"),
    /** Issues per page when listing for reconciliation. */
    pageSize: z.number().int().min(1).max(1000).default(50),
    /** How far back the first reconciliation looks when no cursor is stored. */
    backfillHours: z.number().int().min(0).default(24),
    /** The header the trigger sends the shared secret in (or use Basic auth with it as the password). */
    secretHeader: z.string().min(1).default("x-reglament-secret"),
    requestTimeoutMs: z.number().int().positive().default(10_000),
  })
  .refine((o) => (o.orgId === undefined) !== (o.cloudOrgId === undefined), {
    message:
      "give exactly one of orgId (Yandex 360 organisation, X-Org-ID) or cloudOrgId (Yandex Cloud, X-Cloud-Org-ID)",
  });
export type YandexOptions = z.infer<typeof YandexOptions>;
