import nock from "nock";
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../../src/queue/decision-log.js";
import { type RunningBridge, startBridge } from "../../../src/runtime/serve.js";
import { bridgeTestEnvironment, decisionLog, testBridgeConfig, until } from "../../helpers/bridge-http.js";
import { erecipeOptions, gitlabFixture, type HookJson, SUPPORT, SUPPORT_API } from "../../helpers/gitlab.js";
import { silentLogger } from "../../helpers/logger.js";
import { testRedisUrl } from "../../helpers/redis.js";

/**
 * The e-Recipe regulation enforced on GitLab end to end: documented webhook payloads in
 * over real HTTP, real Redis queues, the exact GitLab REST calls out (nock).
 */
const GITLAB = "https://gitlab.test";
const ALERTS = "https://alerts.test";
const redisUrl = testRedisUrl(7);
const TICKET = `${SUPPORT}#23`;

function config(mode: "enforce" | "dry-run", prefix: string) {
  return testBridgeConfig(prefix, {
    trackers: {
      erecipe: {
        kind: "gitlab",
        baseUrl: GITLAB,
        token: "glpat-test",
        webhookSecret: "s3cret",
        bridgeUser: "reglament-bot",
        reconcileIntervalSeconds: 3600,
        writesPerSecond: 50,
        projects: { [SUPPORT]: { pack: "e-recipe-by" } },
        // GitLab is not asked at start-up here (no mock): the tier is said.
        options: { ...erecipeOptions, tier: "free" },
      },
    },
    actors: { erecipe: { operator1: { role: "line1", line: 1 } } },
    packs: {
      "e-recipe-by": { mode, params: { headOfSupport: "support-lead", infrastructureOwner: "infra-lead" } },
    },
    alerts: {
      endpoints: [
        { name: "line2", url: `${ALERTS}/line2`, secret: "alert-secret-123", events: ["ticket.escalated"] },
      ],
    },
  });
}

let bridge: RunningBridge | undefined;
let prefixCounter = 0;
async function start(mode: "enforce" | "dry-run" = "enforce") {
  bridge = await startBridge({
    config: config(mode, `gl${process.pid}x${prefixCounter++}`),
    configFile: "/tmp/reglament-test.yaml",
    env: { REDIS_URL: redisUrl },
    logger: silentLogger,
  });
  return bridge;
}

const post = (body: unknown, event = "Issue Hook", headers: Record<string, string> = {}) =>
  bridge!.app.inject({
    method: "POST",
    url: "/webhooks/erecipe",
    headers: {
      "content-type": "application/json",
      "x-gitlab-event": event,
      "x-gitlab-token": "s3cret",
      ...headers,
    },
    payload: typeof body === "string" ? body : JSON.stringify(body),
  });
const entries = () => decisionLog(bridge!.app, "erecipe", TICKET);
const has =
  (type: LogEntry["type"], count = 1) =>
  (es: LogEntry[]) =>
    es.filter((e) => e.type === type).length >= count;

const openHook = () => gitlabFixture<HookJson>("issue-hook-open-two-priorities.json");
const label = (title: string) => ({
  id: title.length,
  title,
  color: "#fff",
  project_id: 14,
  type: "ProjectLabel",
});
/** An operator's edit of the labels, shaped as GitLab documents the Issue Hook. */
function labelEdit(
  before: string[],
  after: string[],
  over: { state?: string; action?: string } = {},
): HookJson {
  const hook = gitlabFixture<HookJson>("issue-hook-update-by-bridge.json");
  const open = openHook();
  hook.user = open.user;
  Object.assign(hook.object_attributes, {
    labels: after.map(label),
    action: over.action ?? "update",
    state: over.state ?? "opened",
    updated_by_id: 51,
  });
  hook.labels = after.map(label);
  hook.changes.labels = { previous: before.map(label), current: after.map(label) };
  if (over.state === "closed") hook.changes.state_id = { previous: 1, current: 2 };
  return hook;
}
const restIssue = (labels: string[], over: Record<string, unknown> = {}) => ({
  id: 301,
  iid: 23,
  project_id: 14,
  title: "Не выписывается электронный рецепт",
  description: "",
  state: "opened",
  labels,
  author: { id: 51, username: "operator1" },
  assignees: [{ id: 51, username: "operator1" }],
  created_at: "2026-03-03T07:15:43Z",
  updated_at: "2026-03-03T07:15:43Z",
  references: { full: TICKET },
  ...over,
});

bridgeTestEnvironment(redisUrl, async () => {
  await bridge?.shutdown.run("test end");
  bridge = undefined;
});

describe("e-Recipe on GitLab, enforce mode", () => {
  it("two priority labels → one edit removing the lower and one note; the echo of that edit → nothing more", async () => {
    await start();
    const gitlab = nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .times(2)
      .reply(200, restIssue(["Priority: Low", "Priority: High"]))
      .put(`${SUPPORT_API}/issues/23`, { remove_labels: "Priority: Low" })
      .reply(200, restIssue(["Priority: High"]))
      .get(`${SUPPORT_API}/issues/23/notes`)
      .query(true)
      .reply(200, [])
      .post(
        `${SUPPORT_API}/issues/23/notes`,
        (b) =>
          /несколько меток приоритета/.test(b.body) &&
          /«Priority: High»/.test(b.body) &&
          /Приложение А/.test(b.body) &&
          /<!-- reglament:[0-9a-f]+ -->$/.test(b.body),
      )
      .reply(201, { id: 1 });

    const res = await post(openHook(), "Issue Hook", { "idempotency-key": "d-open" });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: "accepted", accepted: 1 });
    const log = await until(entries, has("writeback"));
    expect(gitlab.isDone()).toBe(true);
    const decided = log.find((e) => e.type === "decisions");
    expect(decided).toMatchObject({
      pack: "e-recipe-by",
      mode: "enforce",
      writeback: "queued",
      decisions: [{ rule: "one-priority-label", outcome: "violation" }],
    });
    expect(log.find((e) => e.type === "writeback")).toMatchObject({ result: "applied", applied: 2 });

    // The same delivery again changes nothing.
    expect((await post(openHook(), "Issue Hook", { "idempotency-key": "d-open" })).json()).toMatchObject({
      status: "duplicate",
    });
    // GitLab's webhook for the bridge's own edit: recognised, no fetch, no write.
    const echo = await post(gitlabFixture("issue-hook-update-by-bridge.json"), "Issue Hook", {
      "idempotency-key": "d-echo",
    });
    expect(echo.statusCode).toBe(202);
    const after = await until(entries, has("own-change"));
    expect(after.filter((e) => e.type === "decisions")).toHaveLength(1);
    expect(after.filter((e) => e.type === "writeback")).toHaveLength(1);
  });

  it("L2 added → the line-2 endpoint gets a signed ticket.escalated alert and the issue a note", async () => {
    await start();
    const alert = nock(ALERTS)
      .post("/line2", (b) => b.type === "ticket.escalated" && b.ticket?.id === TICKET)
      .matchHeader("webhook-signature", /^v1,/)
      .reply(204);
    const gitlab = nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .times(2)
      .reply(200, restIssue(["Priority: High", "L2"]))
      .get(`${SUPPORT_API}/issues/23/notes`)
      .query(true)
      .reply(200, [])
      .post(`${SUPPORT_API}/issues/23/notes`, (b) => /Эскалация на второй уровень/.test(b.body))
      .reply(201, { id: 2 });
    await post(labelEdit(["Priority: High"], ["Priority: High", "L2"]), "Issue Hook", {
      "idempotency-key": "d-l2",
    });
    await until(entries, has("writeback"));
    await until(async () => alert.isDone(), Boolean);
    expect(gitlab.isDone()).toBe(true);
    expect(alert.isDone()).toBe(true);
  });

  it("L1: Infrastructure with Priority: High → assigned to the infrastructure owner and the supervisor alerted", async () => {
    await start();
    const alert = nock(ALERTS)
      .post("/line2", (b) => b.type === "ticket.escalated")
      .reply(204);
    const gitlab = nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .times(2)
      .reply(200, restIssue(["Priority: High", "L1: Infrastructure"]))
      .get("/api/v4/users")
      .query({ username: "infra-lead", per_page: "1", page: "1" })
      .reply(200, [{ id: 77, username: "infra-lead" }])
      .put(`${SUPPORT_API}/issues/23`, { assignee_ids: [77] })
      .reply(200, {})
      .get(`${SUPPORT_API}/issues/23/notes`)
      .query(true)
      .reply(200, [])
      .post(`${SUPPORT_API}/issues/23/notes`, (b) => /@infra-lead/.test(b.body))
      .reply(201, { id: 3 });
    await post(labelEdit(["Priority: High"], ["Priority: High", "L1: Infrastructure"]), "Issue Hook", {
      "idempotency-key": "d-infra",
    });
    const log = await until(entries, has("writeback"));
    await until(async () => alert.isDone(), Boolean);
    expect(gitlab.isDone()).toBe(true);
    const rules = (
      log.find((e) => e.type === "decisions") as { decisions: { rule: string }[] }
    ).decisions.map((d) => d.rule);
    expect(rules).toEqual(expect.arrayContaining(["infrastructure", "infrastructure-critical"]));
  });

  it("an unassigned new issue → a note to the head of support; no priority → the needs-priority label", async () => {
    await start();
    const hook = openHook();
    hook.object_attributes.labels = [];
    hook.labels = [];
    hook.object_attributes.assignee_ids = [];
    hook.assignees = [];
    const gitlab = nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .times(2)
      .reply(200, restIssue([], { assignees: [] }))
      .put(`${SUPPORT_API}/issues/23`, { add_labels: "needs-priority" })
      .reply(200, {})
      .get(`${SUPPORT_API}/issues/23/notes`)
      .query(true)
      .reply(200, [])
      .post(`${SUPPORT_API}/issues/23/notes`, (b) => /@support-lead/.test(b.body))
      .reply(201, { id: 4 })
      .post(`${SUPPORT_API}/issues/23/notes`, (b) => /нет метки приоритета/.test(b.body))
      .reply(201, { id: 5 });
    await post(hook, "Issue Hook", { "idempotency-key": "d-unassigned" });
    await until(entries, has("writeback"));
    expect(gitlab.pendingMocks()).toEqual([]);
  });

  it("an accident issue closed → the accident report issue created in the support project and linked", async () => {
    await start();
    const gitlab = nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .times(2)
      .reply(200, restIssue(["Priority: High", "Авария"], { state: "closed" }))
      .get(`${SUPPORT_API}/issues/23/notes`)
      .query(true)
      .reply(200, [])
      .post(`${SUPPORT_API}/issues/23/notes`, (b) => /отчёт об аварии/.test(b.body))
      .reply(201, { id: 6 })
      .get(`${SUPPORT_API}/issues/23/links`)
      .reply(200, [])
      .get(`${SUPPORT_API}/issues`)
      .query((q) => q.in === "title" && String(q.search).startsWith("Отчёт об аварии"))
      .reply(200, [])
      .post(
        `${SUPPORT_API}/issues`,
        (b) =>
          b.title === `Отчёт об аварии по задаче ${TICKET}: Не выписывается электронный рецепт` &&
          // 4.3.4: the head of support's task, with no labels of the bridge's invention.
          !b.labels &&
          /^@\S+: /.test(String(b.description)),
      )
      .reply(201, { id: 400, iid: 24, project_id: 14, title: "Отчёт", description: "" })
      .post(`${SUPPORT_API}/issues/23/links`, {
        target_project_id: 14,
        target_issue_iid: 24,
        link_type: "relates_to",
      })
      .reply(201, {});
    await post(
      labelEdit(["Priority: High", "Авария"], ["Priority: High", "Авария"], {
        state: "closed",
        action: "close",
      }),
      "Issue Hook",
      {
        "idempotency-key": "d-accident",
      },
    );
    await until(entries, has("writeback"));
    expect(gitlab.pendingMocks()).toEqual([]);
  });
});

describe("e-Recipe on GitLab, the webhook's edges", () => {
  it("dry-run records what it would do and calls GitLab not at all", async () => {
    await start("dry-run");
    // Reconciliation lists issues on start (a read); nothing else may reach GitLab.
    const calls: string[] = [];
    const scope = nock(GITLAB).persist();
    for (const method of ["GET", "PUT", "POST", "DELETE"]) {
      scope.intercept(/.*/, method).reply((uri) => {
        calls.push(`${method} ${uri.split("?")[0]}`);
        return method === "GET" ? [200, []] : [500, "must not be called"];
      });
    }
    await post(openHook(), "Issue Hook", { "idempotency-key": "d-dry" });
    const log = await until(entries, has("decisions"));
    expect(log[0]).toMatchObject({
      writeback: "dry-run",
      wouldDo: [{ type: "removeLabel", label: "Priority: Low" }, { type: "comment" }],
    });
    expect(new Set(calls)).toEqual(new Set(calls.length ? [`GET ${SUPPORT_API}/issues`] : []));
  });

  it("answers a wrong token 401, a payload without object_attributes 400, other events and projects 202", async () => {
    await start();
    expect((await post(openHook(), "Issue Hook", { "x-gitlab-token": "nope" })).statusCode).toBe(401);
    const { object_attributes: _, ...bare } = openHook();
    const invalid = await post(bare, "Issue Hook");
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().message).toMatch(/no "object_attributes"/);
    expect((await post({ object_kind: "push" }, "Push Hook")).json()).toMatchObject({ status: "ignored" });
    const other = openHook();
    other.project.path_with_namespace = "someone/else";
    const res = await post(other, "Issue Hook");
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: "ignored", reason: "no configured project" });
  });
});
