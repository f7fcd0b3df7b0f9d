import type { CapabilityProblem, PackNeed } from "../../src/domain/tracker-needs.js";
import type { GitlabApi } from "./client.js";
import { hookPath, hookStopped, hooksToBridge, reEnable } from "./hooks.js";
import { type Membership, ProjectAnswer, type Role } from "./membership.js";
import type { ProjectTiers, TierReading } from "./tier.js";

/**
 * What a GitLab project will refuse the bridge's user, read with its own token: the
 * user's role (membership.ts: `GET /projects/:id` `permissions`, the higher of project and
 * group access, else its inherited or invited membership), the project's tier (tier.ts),
 * and the project's webhooks from `GET /projects/:id/hooks` (Maintainer only;
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

interface Settings {
  instance: string;
  internalNotes: boolean;
  reconcileIntervalSeconds: number;
  membership: Membership;
  tiers: ProjectTiers;
  /** Told each project's tier and what it was read from. */
  onTier?: (project: string, path: string, reading: TierReading) => void;
}

async function roleIn(api: GitlabApi, membership: Membership, project: string) {
  const raw = await api.projects.show(project);
  const info = ProjectAnswer.parse(raw);
  const role: Role = await membership.role(project, info);
  return { raw, info, role };
}

export async function checkGitlabCapabilities(
  api: GitlabApi,
  settings: Settings,
  needs: ReadonlyMap<string, readonly PackNeed[]>,
): Promise<CapabilityProblem[]> {
  const problems: CapabilityProblem[] = [];
  for (const [project, projectNeeds] of needs) {
    const { raw, info, role } = await roleIn(api, settings.membership, project);
    const tier = await settings.tiers.read(project, raw);
    settings.tiers.learn([project, info.path_with_namespace, String(info.id)], tier);
    settings.onTier?.(project, info.path_with_namespace, tier);
    const level = role === "admin" ? 0 : role;
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
    // An administrator may do everything.
    for (const need of role === "admin" ? [] : projectNeeds) {
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
          const target =
            need.project === project ? role : (await roleIn(api, settings.membership, need.project)).role;
          if (target !== "admin" && target < 15) {
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
  // Reading hooks needs Maintainer; without it the hook is simply not checked.
  const hooks = await hooksToBridge(api, project, settings.instance);
  if (!hooks) return [];
  const path_ = hookPath(settings.instance);
  const late = `the bridge sees changes only through reconciliation, every ${settings.reconcileIntervalSeconds} s`;
  if (!hooks.ours.length) {
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
  for (const hook of hooks.ours) {
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
    const stopped = hookStopped(hook);
    if (stopped) {
      problems.push({
        project,
        severity: "hinders",
        setting: "project webhook disabled",
        message: `GitLab has ${stopped.state === "disabled" ? "disabled" : `paused (until ${stopped.until ?? "later"})`} the webhook ${hook.id} of ${path} after failed deliveries, so ${late}; ${reEnable(hook)}`,
      });
    }
  }
  return problems;
}
