import { z } from "zod";
import type { CapabilityProblem, PackNeed } from "../../src/domain/tracker-needs.js";
import { TrackerRequestError } from "../../src/errors/tracker-error.js";
import { withoutTrailingSlashes } from "../../src/text/base-url.js";
import type { GitlabApi } from "./client.js";

/**
 * What a GitLab project will refuse the bridge's user, read with its own token: the
 * user's role from `GET /projects/:id` (`permissions`, the higher of project and group
 * access), and the project's webhooks from `GET /projects/:id/hooks` (Maintainer only;
 * when the token may not read them the hook is not checked). GitLab's permissions table:
 * commenting needs Guest, labelling, assigning, closing and reopening and linking issues
 * Planner or Reporter; internal notes Reporter.
 */

const roles: ReadonlyMap<number, string> = new Map([
  [10, "Guest"],
  [15, "Planner"],
  [20, "Reporter"],
  [30, "Developer"],
  [40, "Maintainer"],
  [50, "Owner"],
]);
const roleName = (level: number) => `${roles.get(level) ?? "role"} (${level})`;

const Access = z.object({ access_level: z.number() }).nullish();
const ProjectAnswer = z.object({
  id: z.number(),
  path_with_namespace: z.string(),
  permissions: z.object({ project_access: Access, group_access: Access }).nullish(),
});
const Hook = z.object({
  id: z.number(),
  url: z.string(),
  issues_events: z.boolean().optional(),
  confidential_issues_events: z.boolean().optional(),
  note_events: z.boolean().optional(),
  confidential_note_events: z.boolean().optional(),
  alert_status: z.string().optional(),
  disabled_until: z.string().nullish(),
});

interface Settings {
  instance: string;
  internalNotes: boolean;
  reconcileIntervalSeconds: number;
}

async function roleIn(api: GitlabApi, project: string) {
  const info = ProjectAnswer.parse(await api.projects.show(project));
  const levels = [
    info.permissions?.project_access?.access_level,
    info.permissions?.group_access?.access_level,
  ];
  const level = Math.max(0, ...levels.filter((l): l is number => typeof l === "number"));
  return { info, level };
}

export async function checkGitlabCapabilities(
  api: GitlabApi,
  settings: Settings,
  needs: ReadonlyMap<string, readonly PackNeed[]>,
): Promise<CapabilityProblem[]> {
  const problems: CapabilityProblem[] = [];
  for (const [project, projectNeeds] of needs) {
    const { info, level } = await roleIn(api, project);
    const account = `the bridge's user has ${level ? roleName(level) : "no role"} in ${info.path_with_namespace}`;
    const require = (need: PackNeed, minimum: number, what: string) => {
      if (level >= minimum) return;
      problems.push({
        project,
        severity: "blocks",
        need,
        setting: `role ${roles.get(minimum)}`,
        message: `${what} will be refused: ${account}, and GitLab lets ${roleName(minimum)} or above do it; give the user that role (Project → Manage → Members)`,
      });
    };
    // An administrator's token shows no membership but may do everything.
    const unknownRole = !info.permissions?.project_access && !info.permissions?.group_access;
    for (const need of unknownRole ? [] : projectNeeds) {
      switch (need.kind) {
        case "comment":
          require(need, settings.internalNotes ? 20 : 10, settings.internalNotes
            ? "internal notes"
            : "comments");
          break;
        case "labels":
        case "setField":
          require(need, 15, need.kind === "labels" ? "labelling issues" : `setting ${need.field} (a label)`);
          break;
        case "assign":
          require(need, 15, "assigning issues");
          break;
        case "transition":
          require(need, 15, `moving issues to ${need.status} (closing or reopening)`);
          break;
        case "createLinked": {
          const target = need.project === project ? level : (await roleIn(api, need.project)).level;
          if (target < 15) {
            problems.push({
              project,
              severity: "blocks",
              need,
              setting: "role Planner",
              message: `creating and linking issues in ${need.project} will be refused: the bridge's user has ${target ? roleName(target) : "no role"} there; give it Reporter or above in ${need.project}`,
            });
          }
          break;
        }
        default:
          // Assignees, read-only states and auto-set statuses have no GitLab setting.
          break;
      }
    }
    problems.push(...(await hookProblems(api, project, info.path_with_namespace, settings)));
  }
  return problems;
}

async function hookProblems(
  api: GitlabApi,
  project: string,
  path: string,
  settings: Settings,
): Promise<CapabilityProblem[]> {
  let hooks: z.infer<typeof Hook>[];
  try {
    hooks = Hook.array().parse(await api.hooks.all(project));
  } catch (err) {
    // Reading hooks needs Maintainer; without it the hook is simply not checked.
    if (err instanceof TrackerRequestError && (err.status === 403 || err.status === 404)) return [];
    throw err;
  }
  const path_ = `/webhooks/${settings.instance}`;
  const ours = hooks.filter((h) => {
    try {
      return withoutTrailingSlashes(new URL(h.url).pathname) === path_;
    } catch {
      return false;
    }
  });
  const late = `the bridge sees changes only through reconciliation, every ${settings.reconcileIntervalSeconds} s`;
  if (!ours.length) {
    return [
      {
        project,
        severity: "hinders",
        setting: "project webhook",
        message: `no webhook of ${path} sends to …${path_}, so ${late}; add one (Settings → Webhooks) with issue and comment events and the secret token`,
      },
    ];
  }
  const problems: CapabilityProblem[] = [];
  for (const hook of ours) {
    const missing = [
      hook.issues_events === false ? "issues events" : "",
      hook.note_events === false ? "comments" : "",
    ].filter(Boolean);
    if (missing.length) {
      problems.push({
        project,
        severity: "hinders",
        setting: "project webhook triggers",
        message: `the webhook ${hook.id} of ${path} to …${path_} does not send ${missing.join(" and ")}; tick them in Settings → Webhooks`,
      });
    }
    if (hook.alert_status === "disabled" || hook.alert_status === "temporarily_disabled") {
      problems.push({
        project,
        severity: "hinders",
        setting: "project webhook disabled",
        message: `GitLab has ${hook.alert_status === "disabled" ? "disabled" : `paused (until ${hook.disabled_until ?? "later"})`} the webhook ${hook.id} of ${path} after failed deliveries, so ${late}; re-enable it in Settings → Webhooks once the bridge answers`,
      });
    }
  }
  return problems;
}
