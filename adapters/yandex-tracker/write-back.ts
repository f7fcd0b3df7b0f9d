import type { Action } from "../../src/domain/action.js";
import type { ApplyResult } from "../../src/domain/adapter.js";
import { TrackerRequestError } from "../../src/errors/tracker-error.js";
import { ApplyOutcome } from "../support/apply-outcome.js";
import { paced } from "../support/paced.js";
import type { YandexClient } from "./client.js";
import { statusKey, type YandexNormaliser } from "./normalise.js";
import { readComments } from "./paging.js";
import { TrackerIssue } from "./payloads.js";
import { executeTransition } from "./transition.js";

/**
 * Neutral actions → Yandex Tracker API calls, idempotently: the issue is read first and
 * only what is not already so is written. Priority, assignee and tags go out in one
 * `PATCH /v2/issues/{key}?version=N` (a 409 or 412 means a person changed it meanwhile);
 * a status can only change through a transition of the issue's workflow (transition.ts);
 * comments end with a marker a replayed job finds among all the issue's comments.
 */
export class YandexWriter {
  constructor(
    private readonly client: YandexClient,
    private readonly n: YandexNormaliser,
  ) {}

  #refused(what: string, reason: string): TrackerRequestError {
    return new TrackerRequestError({ instance: this.n.instance, what, reason, retryable: false });
  }

  #priorityKey(value: string): string {
    const key = Object.entries(this.n.options.priorities).find(([, v]) => v === value)?.[0];
    if (!key) {
      throw this.#refused(
        `set priority to "${value}"`,
        `no Tracker priority maps to "${value}" (options.priorities: ${Object.entries(
          this.n.options.priorities,
        )
          .map(([k, v]) => `${k} = ${v}`)
          .join(", ")})`,
      );
    }
    return key;
  }

  async apply(
    key: string,
    actions: readonly Action[],
    marker: string,
    beforeWrite?: () => Promise<void>,
  ): Promise<ApplyResult> {
    const request = paced(this.client, beforeWrite);
    const path = `/v2/issues/${encodeURIComponent(key)}`;
    const issue = TrackerIssue.parse(
      (await this.client.request<unknown>(`read ${key}`, { method: "GET", url: path })).data,
    );
    const patch: Record<string, unknown> = {};
    const tags = { add: [] as string[], remove: [] as string[] };
    const outcome = new ApplyOutcome();
    let transition: Extract<Action, { type: "transition" }> | undefined;
    const notes: { action: Extract<Action, { type: "comment" }>; index: number }[] = [];
    const decide = outcome.decide.bind(outcome);

    for (const [index, action] of actions.entries()) {
      switch (action.type) {
        case "setField":
          if (action.field === "priority") {
            const wanted = this.#priorityKey(String(action.value));
            decide(action, issue.priority?.key === wanted, () => {
              patch.priority = { key: wanted };
            });
          } else if (action.field === "assignee") {
            decide(action, issue.assignee?.id === String(action.value), () => {
              patch.assignee = String(action.value);
            });
          } else if (action.field === "status") {
            transition = { type: "transition", status: String(action.value) };
          } else {
            throw this.#refused(
              `set ${action.field}`,
              `the bridge writes priority, assignee, tags and status in Yandex Tracker, not "${action.field}"`,
            );
          }
          break;
        case "assign":
          decide(action, issue.assignee?.id === action.to, () => {
            patch.assignee = action.to;
          });
          break;
        case "addLabel":
          decide(action, issue.tags.includes(action.label), () => tags.add.push(action.label));
          break;
        case "removeLabel":
          decide(action, !issue.tags.includes(action.label), () => tags.remove.push(action.label));
          break;
        case "transition":
          transition = action;
          break;
        case "comment":
          notes.push({ action, index });
          break;
        case "createLinked":
          throw this.#refused(
            "create a linked issue",
            "the Yandex Tracker adapter does not create linked issues; no Yandex Tracker pack asks for one",
          );
      }
    }

    if (tags.add.length || tags.remove.length) {
      patch.tags = {
        ...(tags.add.length ? { add: tags.add } : {}),
        ...(tags.remove.length ? { remove: tags.remove } : {}),
      };
    }
    if (Object.keys(patch).length) {
      await request(`edit ${key}`, {
        method: "PATCH",
        url: path,
        data: patch,
        ...(issue.version !== undefined ? { params: { version: issue.version } } : {}),
      });
    }
    if (transition) {
      const target = statusKey(this.n, transition.status);
      if (issue.status.key === target) outcome.skipped.push(transition);
      else {
        await executeTransition(request, this.n, key, target, transition.status);
        outcome.applied.push(transition);
      }
    }
    if (notes.length) {
      // All of them: the marker of a replayed job's comment is among the newest.
      const existing = await readComments({ request }, this.n, key);
      for (const { action, index } of notes) {
        const tag = `[${action.key ?? `${marker}/${index}`}]`;
        if (existing.some((c) => c.text.includes(tag))) {
          outcome.skipped.push(action);
          continue;
        }
        await request(`comment on ${key}`, {
          method: "POST",
          url: `${path}/comments`,
          params: { isAddToFollowers: false },
          data: { text: `${action.body}\n\n${tag}` },
        });
        outcome.applied.push(action);
      }
    }
    return outcome;
  }
}
