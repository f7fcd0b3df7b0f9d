import { z } from "zod";
import { TrackerRequestError } from "../../src/errors/tracker-error.js";
import type { GitlabApi } from "./client.js";

/**
 * The bridge's user in a project: its role, read with its own token.
 *
 * `GET /projects/:id` answers `permissions` — `project_access` (direct membership) and
 * `group_access` (the project's group) — and both are null for a user who is not a
 * member: an administrator (who may do everything), and anyone at all on a public or
 * internal project, which every signed-in user may read but not label, assign or close.
 * For those the membership is asked directly: `GET /user` (`is_admin` is shown to
 * administrators), then `GET /projects/:id/members/all/:user_id`, which also counts
 * memberships inherited from ancestor groups and groups the project is shared with
 * (docs.gitlab.com/api/members, "Get a member of a group or project, including inherited
 * and invited members"); its 404 means no membership.
 */

const Access = z.object({ access_level: z.number() }).nullish();

export const ProjectAnswer = z.object({
  id: z.number(),
  path_with_namespace: z.string(),
  visibility: z.string().optional(),
  permissions: z.object({ project_access: Access, group_access: Access }).nullish(),
});
export type ProjectAnswer = z.infer<typeof ProjectAnswer>;

const Me = z.object({ id: z.number(), username: z.string(), is_admin: z.boolean().optional() });
type Me = z.infer<typeof Me>;

const Member = z.object({ access_level: z.number() });

/** The user's role in the project (GitLab's access level), 0 for none; `admin` for an administrator. */
export type Role = number | "admin";

export class Membership {
  #me: Promise<Me> | undefined;

  constructor(private readonly api: GitlabApi) {}

  /** The token's user, read once. */
  me(): Promise<Me> {
    this.#me ??= this.api.users.showCurrentUser().then((u) => Me.parse(u));
    this.#me.catch(() => {
      this.#me = undefined;
    });
    return this.#me;
  }

  /** The user's role in a project whose `GET /projects/:id` answer is `info`. */
  async role(project: string, info: ProjectAnswer): Promise<Role> {
    const levels = [
      info.permissions?.project_access?.access_level,
      info.permissions?.group_access?.access_level,
    ].filter((l): l is number => typeof l === "number");
    if (levels.length) return Math.max(0, ...levels);
    const me = await this.me();
    if (me.is_admin) return "admin";
    try {
      const member = Member.parse(await this.api.members.show(project, me.id, { includeInherited: true }));
      return member.access_level;
    } catch (err) {
      if (err instanceof TrackerRequestError && err.status === 404) return 0;
      throw err;
    }
  }
}
