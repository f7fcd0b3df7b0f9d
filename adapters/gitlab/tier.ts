import type { GitlabApi } from "./client.js";

/**
 * Whether a project has GitLab's Premium features (Premium, Ultimate, and GitLab.com's
 * open-source grant): scoped labels are exclusive (adding `priority::high` removes
 * `priority::low`), an issue may have several assignees, and issues may block each other.
 * On Free (and on the Community Edition) none of these: `::` is two characters, one
 * assignee, `relates_to` links only.
 *
 * A token that is not an administrator cannot read the licence (`GET /license` is for
 * administrators; the namespace's `plan` for its owners; `GET /metadata` tells the
 * edition, not the licence). What it can read is what the API shows only where a
 * licensed feature is available to the project (the EE API entities expose a field
 * `if: project.feature_available?(…)`):
 *   - `GET /projects/:id` has `approvals_before_merge` where `merge_request_approvers` is
 *     available (ee/lib/ee/api/entities/project.rb);
 *   - an issue of `GET /projects/:id/issues` has `weight` where `issue_weights` is.
 * Both are Premium features, licensed together with `scoped_labels`,
 * `multiple_issue_assignees` and `blocked_issues`. `options.tier` overrides the reading.
 */
export type Tier = "free" | "premium";

export interface TierReading {
  tier: Tier;
  /** What it was read from, for the log. */
  evidence: string;
}

const has = (value: unknown, key: string) =>
  !!value && typeof value === "object" && Object.hasOwn(value, key);

/** The tier a project's answers show; `project` is its raw `GET /projects/:id` answer. */
export async function readTier(api: GitlabApi, projectId: string, project: unknown): Promise<TierReading> {
  if (has(project, "approvals_before_merge")) {
    return {
      tier: "premium",
      evidence: "GET /projects/:id shows approvals_before_merge (a Premium feature)",
    };
  }
  const [issue] = (await api.issues.all({ projectId, perPage: 1, page: 1 })) as unknown[];
  if (issue === undefined) {
    return {
      tier: "free",
      evidence: "no Premium field in GET /projects/:id and no issue to look at (assumed)",
    };
  }
  return has(issue, "weight")
    ? { tier: "premium", evidence: "its issues have a weight (a Premium feature)" }
    : { tier: "free", evidence: "neither approvals_before_merge nor issue weights are shown" };
}

/** Each project's tier: as configured, as learned at start-up, or read when first needed. */
export class ProjectTiers {
  readonly #known = new Map<string, TierReading>();

  constructor(
    private readonly api: GitlabApi,
    private readonly configured: Tier | undefined,
  ) {}

  /** The tier when known without asking GitLab. */
  known(project: string): Tier | undefined {
    return this.configured ?? this.#known.get(project)?.tier;
  }

  /** Remembers a reading under every name of the project (config key, path, numeric id). */
  learn(names: readonly string[], reading: TierReading): void {
    for (const name of names) this.#known.set(name, reading);
  }

  /** The tier, read from GitLab the first time it is needed and not known. */
  async of(project: string): Promise<Tier> {
    const known = this.known(project);
    if (known) return known;
    const reading = await readTier(this.api, project, await this.api.projects.show(project));
    this.learn([project], reading);
    return reading.tier;
  }

  /** The reading for the start-up log: configured, or read from the project's answer. */
  async read(project: string, answer: unknown): Promise<TierReading> {
    if (this.configured) return { tier: this.configured, evidence: "options.tier" };
    return readTier(this.api, project, answer);
  }
}
