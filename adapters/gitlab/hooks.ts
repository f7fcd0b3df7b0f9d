import { z } from "zod";
import { TrackerRequestError } from "../../src/errors/tracker-error.js";
import { withoutTrailingSlashes } from "../../src/text/base-url.js";
import type { GitlabApi } from "./client.js";

/**
 * A project's webhooks to the bridge, from `GET /projects/:id/hooks` (Maintainer only;
 * docs.gitlab.com/api/project_webhooks). `alert_status` is `executable`, `disabled` or
 * `temporarily_disabled`, and `disabled_until` the end of a pause (GitLab MR 89322).
 * GitLab pauses a project hook after 4 failed deliveries in a row — any answer other than
 * 2xx/3xx, the bridge's own 400 and 401 included — for 1 minute, doubling up to a day,
 * and disables it for good at the 40th (app/models/concerns/web_hooks/auto_disabling.rb,
 * with the `auto_disabling_web_hooks` flag, on at GitLab.com); a test delivery that
 * succeeds re-enables it (doc/user/project/integrations/webhooks.md, "Re-enable disabled
 * webhooks").
 */
export const Hook = z.object({
  id: z.number(),
  url: z.string(),
  issues_events: z.boolean().optional(),
  confidential_issues_events: z.boolean().optional(),
  note_events: z.boolean().optional(),
  confidential_note_events: z.boolean().optional(),
  alert_status: z.string().optional(),
  disabled_until: z.string().nullish(),
});
export type Hook = z.infer<typeof Hook>;

/** The path every hook to this bridge instance posts to. */
export const hookPath = (instance: string) => `/webhooks/${instance}`;

/**
 * The project's hooks that post to this bridge instance; undefined when the token may not
 * read hooks (below Maintainer: 403, or 404 on some versions).
 */
export async function hooksToBridge(
  api: GitlabApi,
  project: string,
  instance: string,
): Promise<{ all: Hook[]; ours: Hook[] } | undefined> {
  let all: Hook[];
  try {
    all = Hook.array().parse(await api.hooks.all(project));
  } catch (err) {
    if (err instanceof TrackerRequestError && (err.status === 403 || err.status === 404)) return undefined;
    throw err;
  }
  const path = hookPath(instance);
  const ours = all.filter((h) => {
    try {
      return withoutTrailingSlashes(new URL(h.url).pathname) === path;
    } catch {
      return false;
    }
  });
  return { all, ours };
}

/** Whether GitLab stopped the hook: for good (`disabled`) or for a while (`paused`, until when). */
export function hookStopped(hook: Hook): { state: "disabled" | "paused"; until?: string } | undefined {
  if (hook.alert_status === "disabled") return { state: "disabled" };
  if (hook.alert_status === "temporarily_disabled")
    return { state: "paused", ...(hook.disabled_until ? { until: hook.disabled_until } : {}) };
  return undefined;
}

/** How to re-enable a hook, in GitLab's words (UI and API). */
export function reEnable(hook: Hook): string {
  return `once the bridge answers, re-enable it with a test delivery that succeeds: Settings → Webhooks → the hook's Test → Issue events, or POST /projects/:id/hooks/${hook.id}/test/issues_events`;
}
