import type { Action } from "../../src/domain/action.js";
import type { ApplyResult } from "../../src/domain/adapter.js";
import { own } from "../../src/domain/own.js";
import { TrackerRequestError } from "../../src/errors/tracker-error.js";
import { ApplyOutcome } from "../support/apply-outcome.js";
import { paced } from "../support/paced.js";
import type { MantisClient } from "./client.js";
import { accountsOf, type MantisNormaliser } from "./normalise.js";
import { IssuesAnswer, type MantisIssue } from "./payloads.js";

type EnumKind = "severity" | "priority" | "status";

/**
 * Neutral actions → MantisBT REST calls, idempotently. The issue is read first (with its
 * ETag) and only what is not already so is written: one `PATCH /issues/{id}` with
 * `If-Match` for priority, severity, status, handler, category and the line field — enums
 * and users by id, never by name, since MantisBT silently stores an unknown name as 0 or
 * clears the handler — then tags, then notes, each note ending with a marker a replayed
 * job finds.
 */
export class MantisWriter {
  readonly #userIds = new Map<string, number>();

  constructor(
    private readonly client: MantisClient,
    private readonly n: MantisNormaliser,
  ) {
    for (const [name, id] of Object.entries(n.options.userIds)) this.#userIds.set(name, id);
  }

  /** Remembers the ids of everyone an issue names, so they can be assigned later. */
  learn(issue: MantisIssue): void {
    for (const a of accountsOf(issue)) if (a.name && a.id > 0) this.#userIds.set(a.name, a.id);
  }

  #refused(what: string, reason: string): TrackerRequestError {
    return new TrackerRequestError({ instance: this.n.instance, what, reason, retryable: false });
  }

  #enumId(kind: EnumKind, value: string): number {
    const table = this.n.options.enums[kind];
    const id = own(table, value);
    if (id === undefined) {
      throw this.#refused(
        `set ${kind} to "${value}"`,
        `"${value}" is not a ${kind} of this MantisBT (known: ${Object.keys(table).join(", ")}); add it to options.enums.${kind}`,
      );
    }
    return id;
  }

  #userId(username: string): number {
    const id = this.#userIds.get(username);
    if (id === undefined) {
      throw this.#refused(
        `assign to "${username}"`,
        `the MantisBT id of user "${username}" is not known; add it to options.userIds (MantisBT would clear the handler if given an unknown name)`,
      );
    }
    return id;
  }

  async read(id: string): Promise<{ issue: MantisIssue; etag?: string }> {
    const res = await this.client.request<unknown>(`read issue ${id}`, {
      method: "GET",
      url: `/issues/${id}`,
    });
    const [issue] = IssuesAnswer.parse(res.data).issues;
    if (!issue) throw this.#refused(`read issue ${id}`, "MantisBT answered without the issue");
    this.learn(issue);
    const etag = res.headers.etag as string | undefined;
    return { issue, ...(etag ? { etag } : {}) };
  }

  async apply(
    id: string,
    actions: readonly Action[],
    marker: string,
    beforeWrite?: () => Promise<void>,
  ): Promise<ApplyResult> {
    const request = paced(this.client, beforeWrite);
    const { issue, etag } = await this.read(id);
    const patch: Record<string, unknown> = {};
    const tagsToAdd: string[] = [];
    const tagsToRemove: number[] = [];
    const outcome = new ApplyOutcome();
    const notes: { action: Extract<Action, { type: "comment" }>; index: number }[] = [];
    const decide = outcome.decide.bind(outcome);
    const setEnum = (action: Action, kind: EnumKind, value: string) => {
      const current = issue[kind]?.name;
      decide(action, current === value, () => {
        patch[kind] = { id: this.#enumId(kind, value) };
      });
    };
    const assign = (action: Action, username: string) =>
      decide(action, issue.handler?.name === username, () => {
        patch.handler = { id: this.#userId(username) };
      });

    for (const [index, action] of actions.entries()) {
      switch (action.type) {
        case "setField": {
          const value = String(action.value);
          if (action.field === "priority") setEnum(action, "priority", value);
          else if (action.field === "impact") setEnum(action, "severity", value);
          else if (action.field === "status") setEnum(action, "status", value);
          else if (action.field === "assignee") assign(action, value);
          else if (action.field === "type")
            decide(action, issue.category?.name === value, () => {
              patch.category = { name: value };
            });
          else if (action.field === "line" && this.n.options.lineField) {
            const field = this.n.options.lineField;
            const current = issue.custom_fields.find((f) => f.field.name === field)?.value;
            decide(action, current === value, () => {
              patch.custom_fields = [{ field: { name: field }, value }];
            });
          } else {
            throw this.#refused(
              `set ${action.field}`,
              action.field === "line"
                ? "no custom field carries the support line; name it in options.lineField"
                : `MantisBT issues have no "${action.field}" field the bridge can write`,
            );
          }
          break;
        }
        case "transition":
          setEnum(action, "status", action.status);
          break;
        case "assign":
          assign(action, action.to);
          break;
        case "addLabel":
          decide(
            action,
            issue.tags.some((t) => t.name === action.label),
            () => tagsToAdd.push(action.label),
          );
          break;
        case "removeLabel": {
          const tag = issue.tags.find((t) => t.name === action.label);
          decide(action, tag === undefined, () => tagsToRemove.push(tag!.id));
          break;
        }
        case "comment":
          notes.push({ action, index });
          break;
        case "createLinked":
          throw this.#refused(
            "create a linked issue",
            "the MantisBT adapter does not create linked issues; no MantisBT pack asks for one",
          );
      }
    }

    if (Object.keys(patch).length) {
      await request(`update issue ${id}`, {
        method: "PATCH",
        url: `/issues/${id}`,
        data: patch,
        ...(etag ? { headers: { "if-match": etag } } : {}),
      });
    }
    if (tagsToAdd.length) {
      await request(`tag issue ${id}`, {
        method: "POST",
        url: `/issues/${id}/tags`,
        data: { tags: tagsToAdd.map((name) => ({ name })) },
      });
    }
    for (const tagId of tagsToRemove) {
      await request(`untag issue ${id}`, {
        method: "DELETE",
        url: `/issues/${id}/tags/${tagId}`,
      });
    }
    for (const { action, index } of notes) {
      const tag = `[${action.key ?? `${marker}/${index}`}]`;
      if (issue.notes.some((note) => note.text.includes(tag))) {
        outcome.skipped.push(action);
        continue;
      }
      const priv = !action.public || this.n.options.privateNotes;
      await request(`add a note to issue ${id}`, {
        method: "POST",
        url: `/issues/${id}/notes`,
        data: { text: `${action.body}\n\n${tag}`, view_state: { name: priv ? "private" : "public" } },
      });
      outcome.applied.push(action);
    }
    return outcome;
  }
}
