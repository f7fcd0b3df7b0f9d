import type { Action, Note } from "../../src/domain/action.js";
import type { ApplyResult } from "../../src/domain/adapter.js";
import { TrackerRequestError } from "../../src/errors/tracker-error.js";
import { ApplyOutcome } from "../support/apply-outcome.js";
import type { GitlabApi } from "./client.js";
import type { Normaliser } from "./normalise.js";
import { RestIssue, RestLinkedIssue, RestNote, RestUser } from "./payloads.js";
import type { ProjectTiers } from "./tier.js";

/**
 * Neutral actions → GitLab REST calls, idempotently: the issue is read first and only
 * what is not already so is written; label, assignee and state changes go out in one
 * `PUT /projects/:id/issues/:iid`; every note and linked issue carries an invisible
 * marker (an HTML comment) so that a replayed job finds it and does not post it again.
 *
 * Where the project's tier matters (tier.ts): on Premium a scoped label's siblings are
 * left to GitLab, which removes them itself; assigning adds the person to the issue's
 * assignees and keeps the others (GitLab has no "main" assignee, and `assignee_ids`
 * replaces the whole list); blocking links exist — on Free, which answers them 403, a
 * `blocks`/`is_blocked_by` link is made `relates_to`.
 */
const linkTypes = ["relates_to", "blocks", "is_blocked_by"] as const;
const isLinkType = (t: string): t is (typeof linkTypes)[number] =>
  (linkTypes as readonly string[]).includes(t);

export class GitlabWriter {
  readonly #userIds = new Map<string, number>();

  constructor(
    private readonly api: GitlabApi,
    private readonly n: Normaliser,
    private readonly tiers: ProjectTiers,
  ) {}

  #refused(what: string, reason: string): TrackerRequestError {
    return new TrackerRequestError({ instance: this.n.instance, what, reason, retryable: false });
  }

  async userId(username: string): Promise<number> {
    const known = this.#userIds.get(username);
    if (known !== undefined) return known;
    const found = RestUser.array().parse(await this.api.users.all({ username, perPage: 1, page: 1 }));
    const user = found.find((u) => u.username === username);
    if (!user) {
      throw this.#refused(
        `assign to "${username}"`,
        `GitLab has no user "${username}"; give the username in the pack parameter or rule option that names this person`,
      );
    }
    this.#userIds.set(username, user.id);
    return user.id;
  }

  #stateFor(status: string): "opened" | "closed" {
    const { statuses } = this.n.options;
    if (status === statuses.opened || status === "opened") return "opened";
    if (status === statuses.closed || status === "closed") return "closed";
    throw this.#refused(
      `move to status "${status}"`,
      `a GitLab issue is only opened ("${statuses.opened}") or closed ("${statuses.closed}"); map the pack's status in options.statuses`,
    );
  }

  async apply(
    project: string,
    iid: number,
    actions: readonly Action[],
    marker: string,
    beforeWrite: () => Promise<void> = async () => {},
  ): Promise<ApplyResult> {
    const issue = RestIssue.parse(await this.api.issues.show(iid, { projectId: project }));
    const labels = new Set(issue.labels);
    const add = new Set<string>();
    const remove = new Set<string>();
    let assigneeIds: number[] | undefined;
    let stateEvent: "close" | "reopen" | undefined;
    const outcome = new ApplyOutcome();
    const { applied, skipped } = outcome;
    const later: { action: Note; index: number }[] = [];
    const label = (l: string, on: boolean) => {
      if (on) {
        labels.add(l);
        add.add(l);
        remove.delete(l);
      } else {
        labels.delete(l);
        remove.add(l);
        add.delete(l);
      }
    };

    for (const [index, action] of actions.entries()) {
      switch (action.type) {
        case "addLabel":
        case "removeLabel": {
          const on = action.type === "addLabel";
          if (labels.has(action.label) === on) skipped.push(action);
          else {
            label(action.label, on);
            applied.push(action);
          }
          break;
        }
        case "setField": {
          if (action.field === "assignee") {
            await this.#assign(project, String(action.value), issue, action, applied, skipped, (ids) => {
              assigneeIds = ids;
            });
            break;
          }
          if (!this.n.mapping.isMapped(action.field)) {
            throw this.#refused(
              `set ${action.field}`,
              `GitLab issues have no "${action.field}" field; only labels mapped in options.labels (priority, impact, line, type) can carry it`,
            );
          }
          const exclusive = this.tiers.known(project) === "premium";
          const change = this.n.mapping.write(action.field, action.value, [...labels], exclusive);
          if (!change) {
            throw this.#refused(
              `set ${action.field} to ${JSON.stringify(action.value)}`,
              `no label in options.labels.${action.field} means ${JSON.stringify(action.value)} (configured: ${this.n.mapping.choices(action.field).join(", ") || "none"})`,
            );
          }
          if (change.add.length + change.remove.length === 0) skipped.push(action);
          else {
            for (const l of change.remove) label(l, false);
            for (const l of change.add) label(l, true);
            applied.push(action);
          }
          break;
        }
        case "assign":
          await this.#assign(project, action.to, issue, action, applied, skipped, (ids) => {
            assigneeIds = ids;
          });
          break;
        case "transition": {
          const target = this.#stateFor(action.status);
          if (issue.state === target) skipped.push(action);
          else {
            stateEvent = target === "closed" ? "close" : "reopen";
            applied.push(action);
          }
          break;
        }
        case "comment":
        case "createLinked":
          later.push({ action, index });
          break;
      }
    }

    if (add.size || remove.size || assigneeIds || stateEvent) {
      await beforeWrite();
      await this.api.issues.edit(project, iid, {
        ...(add.size ? { addLabels: [...add].join(",") } : {}),
        ...(remove.size ? { removeLabels: [...remove].join(",") } : {}),
        ...(assigneeIds ? { assigneeIds } : {}),
        ...(stateEvent ? { stateEvent } : {}),
      });
    }

    const notes = later.some((l) => l.action.type === "comment") ? await this.#recentNotes(project, iid) : [];
    for (const { action, index } of later) {
      const tag = `<!-- ${action.key ?? `${marker}/${index}`} -->`;
      if (action.type === "comment") {
        if (notes.some((note) => note.body.includes(tag))) {
          skipped.push(action);
          continue;
        }
        await beforeWrite();
        await this.api.notes.create(project, iid, `${action.body}\n\n${tag}`, {
          internal: !action.public || this.n.options.internalNotes,
        });
        applied.push(action);
      } else if (action.type === "createLinked") {
        (await this.#ensureLinked(project, iid, action, tag, beforeWrite))
          ? applied.push(action)
          : skipped.push(action);
      }
    }
    return outcome;
  }

  /**
   * Free: the person becomes the one assignee. Premium (or an issue that already has
   * several, which only Premium allows): the person is added and the co-assignees kept,
   * and a person already among them is left as is.
   */
  async #assign(
    project: string,
    username: string,
    issue: RestIssue,
    action: Action,
    applied: Action[],
    skipped: Action[],
    set: (ids: number[]) => void,
  ): Promise<void> {
    const others = issue.assignees.filter((u) => u.username !== username);
    const there = others.length < issue.assignees.length;
    if (there && others.length === 0) {
      skipped.push(action);
      return;
    }
    const several =
      others.length > 0 &&
      (this.tiers.known(project) ??
        (issue.assignees.length > 1 ? "premium" : await this.tiers.of(project))) === "premium";
    if (several && there) {
      skipped.push(action);
      return;
    }
    const known = issue.assignees.find((u) => u.username === username);
    const id = known ? known.id : await this.userId(username);
    set(several ? [id, ...others.map((u) => u.id)] : [id]);
    applied.push(action);
  }

  /** The latest notes, newest first: where a replayed job's earlier note would be. */
  async #recentNotes(project: string, iid: number): Promise<RestNote[]> {
    const raw = await this.api.notes.all(project, iid, {
      sort: "desc",
      orderBy: "created_at",
      perPage: 100,
      page: 1,
    });
    return RestNote.array().parse(raw);
  }

  /** Creates the linked issue unless a replay finds it already created (and links it if needed). */
  async #ensureLinked(
    project: string,
    iid: number,
    action: Extract<Action, { type: "createLinked" }>,
    tag: string,
    beforeWrite: () => Promise<void>,
  ): Promise<boolean> {
    if (!isLinkType(action.link)) {
      throw this.#refused(
        `link a new issue as "${action.link}"`,
        `GitLab links issues only as ${linkTypes.join(", ")}`,
      );
    }
    // Blocking links are Premium: Free answers 403 ("not available for current license").
    const linkType =
      action.link !== "relates_to" && (await this.tiers.of(project)) === "free" ? "relates_to" : action.link;
    const links = RestLinkedIssue.array().parse(await this.api.links.all(project, iid));
    if (links.some((l) => l.description?.includes(tag))) return false;
    const sameTitle = RestLinkedIssue.array().parse(
      await this.api.issues.all({
        projectId: action.project,
        search: action.title,
        in: "title",
        perPage: 20,
        page: 1,
      } as Parameters<GitlabApi["issues"]["all"]>[0]),
    );
    const existing = sameTitle.find((i) => i.description?.includes(tag));
    if (!existing) await beforeWrite();
    const target =
      existing ??
      RestLinkedIssue.parse(
        await this.api.issues.create(action.project, action.title, {
          description: `${action.description}\n\n${tag}`,
          ...(action.labels.length ? { labels: action.labels.join(",") } : {}),
        }),
      );
    await beforeWrite();
    await this.api.links.create(project, iid, target.project_id, target.iid, { linkType });
    return true;
  }
}
