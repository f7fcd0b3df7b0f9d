import nock from "nock";
import type { FakeIssue } from "./fake-tracker.js";

/** One request the fake tracker answered, as it recorded it. */
export interface Served {
  at: number;
  method: string;
  path: string;
  body?: Record<string, unknown>;
  status: number;
}

/**
 * The fake tracker's HTTP API as a stateful stub (nock): it keeps the issues, applies the
 * PATCHes and comments it accepts, and records every request, so a test can ask what the
 * tracker ended up with and what it was sent. `answer` may refuse or fail a request before
 * it is applied (return a status) — the tracker then keeps its state.
 */
export function statefulFakeTracker(
  base: string,
  issues: FakeIssue[],
  answer: (req: {
    method: string;
    path: string;
    body?: Record<string, unknown>;
  }) => { status: number; headers?: Record<string, string>; body?: unknown } | undefined = () => undefined,
) {
  const state = new Map(issues.map((i) => [i.id, structuredClone(i)]));
  const served: Served[] = [];
  let comments = 0;
  const respond = (method: string, path: string, body: Record<string, unknown> | undefined) => {
    const override = answer({ method, path, ...(body ? { body } : {}) });
    served.push({ at: Date.now(), method, path, ...(body ? { body } : {}), status: override?.status ?? 200 });
    if (override) return [override.status, override.body ?? "refused", override.headers ?? {}] as const;
    return undefined;
  };
  const scope = nock(base)
    .persist()
    .get("/issues")
    .query((q) => q.state === "open")
    .reply((uri) => {
      const refused = respond("GET", uri, undefined);
      if (refused) return refused;
      const open = [...state.values()].filter((i) => !["closed", "resolved", "duplicate"].includes(i.status));
      return [200, { issues: open }];
    })
    .get(/^\/issues\/[^/]+$/)
    .reply((uri) => {
      const id = decodeURIComponent(uri.split("/").pop()!);
      return respond("GET", uri, undefined) ?? [200, state.get(id)];
    })
    .patch(/^\/issues\/[^/]+$/)
    .reply((uri, body) => {
      const id = decodeURIComponent(uri.split("/").pop()!);
      const patch = body as Record<string, unknown>;
      const refused = respond("PATCH", uri, patch);
      if (refused) return refused;
      const issue = state.get(id)!;
      const { labels_add, labels_remove, ...fields } = patch as {
        labels_add?: string[];
        labels_remove?: string[];
      } & Record<string, unknown>;
      Object.assign(issue, fields);
      const labels = new Set(issue.labels ?? []);
      for (const l of labels_add ?? []) labels.add(l);
      for (const l of labels_remove ?? []) labels.delete(l);
      issue.labels = [...labels];
      return [200, issue];
    })
    .post(/^\/issues\/[^/]+\/comments$/)
    .reply((uri, body) => {
      const id = decodeURIComponent(uri.split("/")[2]!);
      const refused = respond("POST", uri, body as Record<string, unknown>);
      if (refused) return refused;
      const issue = state.get(id)!;
      const comment = {
        id: `c${++comments}`,
        author: "reglament-bot",
        body: (body as { body: string }).body,
        created_at: new Date().toISOString(),
      };
      issue.comments = [...(issue.comments ?? []), comment];
      return [201, comment];
    });
  return {
    scope,
    served,
    issue: (id: string) => state.get(id)!,
    /** A person's edit, applied to the tracker's state as the tracker would. */
    edit(id: string, change: (issue: FakeIssue) => void) {
      change(state.get(id)!);
    },
    writes: () => served.filter((s) => s.method !== "GET" && s.status < 300),
  };
}
