import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../../src/paths.js";
import type { LogEntry } from "../../../src/queue/decision-log.js";
import { type RunningBridge, startBridge } from "../../../src/runtime/serve.js";
import { bridgeTestEnvironment, decisionLog, testBridgeConfig, until } from "../../helpers/bridge-http.js";
import { silentLogger } from "../../helpers/logger.js";
import { MANTIS, mantisExchange, mantisIssue } from "../../helpers/mantis.js";
import { testRedisUrl } from "../../helpers/redis.js";

/**
 * The Sevastopol regulation enforced on MantisBT end to end, through both intakes: the
 * poller (the pipeline's reconciliation) and the plugin's signed hint. Issue 1 is the
 * recorded feature/immediate issue; issue 7 is a new block-impact issue with normal
 * priority, assigned at creation to the head of ОСИС (built from the recorded shapes).
 */
const redisUrl = testRedisUrl(9);
const SECRET = "plugin-secret";
type Json = Record<string, unknown>;
const issue7 = (): Json =>
  (
    JSON.parse(
      readFileSync(join(packageRoot, "test/fixtures/mantis-scenarios/issue-7-block-normal.json"), "utf8"),
    ) as { issues: Json[] }
  ).issues[0]!;
const bridgeUser = { id: 5, name: "reglament" };
/** Issue 7 as MantisBT shows it after the bridge's corrections. */
function corrected(): Json {
  const issue = issue7();
  const at = "2026-11-24T09:10:05+03:00";
  issue.priority = { id: 60, name: "immediate", label: "неотложный" };
  issue.status = { id: 10, name: "new", label: "новая", color: "#fcbdbd" };
  issue.updated_at = at;
  issue.notes = [
    {
      id: 11,
      reporter: bridgeUser,
      text: "…\n\n[reglament:x/1]",
      view_state: { id: 10, name: "public", label: "публичная" },
      created_at: at,
    },
  ];
  issue.history = [
    ...(issue.history as Json[]),
    {
      created_at: at,
      user: bridgeUser,
      field: { name: "priority", label: "Приоритет" },
      type: { id: 0, name: "field-updated" },
      old_value: { id: 30, name: "normal", label: "обычный" },
      new_value: { id: 60, name: "immediate", label: "неотложный" },
    },
    {
      created_at: at,
      user: bridgeUser,
      field: { name: "status", label: "Состояние" },
      type: { id: 0, name: "field-updated" },
      old_value: { id: 50, name: "assigned", label: "назначена" },
      new_value: { id: 10, name: "new", label: "новая" },
    },
    { created_at: at, user: bridgeUser, type: { id: 2, name: "note-added" }, note: { id: 13 } },
  ];
  return issue;
}

function config(prefix: string) {
  return testBridgeConfig(prefix, {
    trackers: {
      sev: {
        kind: "mantis",
        baseUrl: MANTIS,
        token: "MANTIS_TOKEN",
        webhookSecret: SECRET,
        bridgeUser: "reglament",
        reconcileIntervalSeconds: 3600,
        writesPerSecond: 50,
        projects: { "1": { pack: "sevastopol-miac" } },
        // The recorded issues are dated 2026-11-24; look back far enough from any day the tests run.
        options: { lineField: "Линия поддержки", userIds: { line2: 3 }, backfillHours: 24 * 365 * 20 },
      },
    },
    // The recorded server's administrator reported issue 1 as a medical organisation's IT person would.
    actors: {
      sev: {
        line1: { role: "line1", line: 1 },
        administrator: { role: "line1", line: 1 },
        line2: { role: "head_of_line2", line: 2 },
      },
    },
    packs: { "sevastopol-miac": { mode: "enforce", params: { headOfLine2: "line2" } } },
  });
}

/** What the poller's listing answers now (it lists as often as it likes). */
let listed: Json[] = [];
const listing = (issues: Json[]) => {
  listed = issues;
};
function serveListing() {
  nock(MANTIS)
    .persist()
    .get("/api/rest/issues")
    .query((q) => q.project_id === "1" && q.page === "1")
    .reply(() => [
      200,
      { issues: listed.map((i) => ({ id: i.id, project: { id: 1 }, updated_at: i.updated_at })) },
    ]);
}
/**
 * The corrections the regulation requires for issue 7, as MantisBT's REST API takes them:
 * the priority the impact demands (3.2), and the status «Новая» that the assignment at
 * creation (MantisBT's auto_set_status_to_assigned) took away (4, 5).
 */
const expectCorrections = () =>
  nock(MANTIS, { reqheaders: { authorization: "MANTIS_TOKEN" } })
    .get("/api/rest/issues/7")
    .times(2)
    .reply(200, { issues: [issue7()] }, { etag: "etag-7" })
    .patch("/api/rest/issues/7", { priority: { id: 60 }, status: { id: 10 } })
    .matchHeader("if-match", "etag-7")
    .reply(200, { issues: [corrected()] })
    .post(
      "/api/rest/issues/7/notes",
      (b) =>
        /приоритет исправлен на «Неотложный»/.test(b.text) &&
        /п\. 3\.2/.test(b.text) &&
        /\[reglament:[0-9a-f]+\]$/.test(b.text),
    )
    .reply(201, {})
    .post(
      "/api/rest/issues/7/notes",
      (b) => /После назначения ответственного статус заявки не меняется/.test(b.text) && /п\. 5/.test(b.text),
    )
    .reply(201, {});

let bridge: RunningBridge | undefined;
let n = 0;
const start = async () => {
  serveListing();
  bridge = await startBridge({
    config: config(`mt${process.pid}x${n++}`),
    configFile: "/tmp/reglament-test.yaml",
    env: { REDIS_URL: redisUrl },
    logger: silentLogger,
  });
  return bridge;
};
const entries = () => decisionLog(bridge!.app, "sev", "7");
const decided = (es: LogEntry[]) =>
  es
    .filter((e) => e.type === "decisions")
    .flatMap((e) => (e as { decisions: { rule: string; outcome: string; actions: unknown[] }[] }).decisions);
const written = (es: LogEntry[]) => es.some((e) => e.type === "writeback" && e.result === "applied");

bridgeTestEnvironment(redisUrl, async () => {
  await bridge?.shutdown.run("test end");
  bridge = undefined;
});

/** Rule and outcome of each decision the regulation gives issue 7, whichever intake brought it. */
const issue7Decisions = [
  ["impact-priority-matrix", "violation"],
  ["status-kept-on-assign", "violation"],
];

describe("Sevastopol on MantisBT, enforce mode", () => {
  it("the recorded feature/immediate issue ends with exactly the calls the regulation requires", async () => {
    const issue1 = mantisIssue("01-create-issue-feature-immediate");
    listing([issue1]);
    const mantis = nock(MANTIS, { reqheaders: { authorization: "MANTIS_TOKEN" } })
      .get("/api/rest/issues/1")
      .times(3)
      .reply(200, { issues: [issue1] }, { etag: "etag-1" })
      .patch("/api/rest/issues/1", { priority: { id: 10 }, handler: { id: 3 } })
      .matchHeader("if-match", "etag-1")
      .reply(200, mantisExchange("06-patch-priority").response)
      .post(
        "/api/rest/issues/1/notes",
        (b) =>
          /Приоритет «Неотложный» не соответствует влиянию «Нововведение»/.test(b.text) &&
          /п\. 3\.2/.test(b.text) &&
          b.view_state.name === "public",
      )
      .reply(201, mantisExchange("07-add-note").response)
      .post("/api/rest/issues/1/notes", (b) => /ответственный изменён на @line2/.test(b.text))
      .reply(201, mantisExchange("07-add-note").response);
    await start();
    const log = await until(() => decisionLog(bridge!.app, "sev", "1"), written);
    expect(mantis.pendingMocks()).toEqual([]);
    expect(decided(log).map((d) => [d.rule, d.outcome])).toEqual([
      ["impact-priority-matrix", "violation"],
      ["assignee-on-status", "violation"],
    ]);
    expect(log.find((e) => e.type === "writeback")).toMatchObject({ result: "applied", applied: 4 });
  });

  it("the poller finds a new block/normal issue: one PATCH (priority 60, status back to «Новая») and its two notes; the next poll sees the bridge's own edit and does nothing more", async () => {
    listing([issue7()]);
    nock(MANTIS)
      .get("/api/rest/issues/7")
      .reply(200, { issues: [issue7()] });
    const mantis = expectCorrections();
    await start();
    const log = await until(entries, written);
    expect(mantis.pendingMocks()).toEqual([]);
    expect(decided(log).map((d) => [d.rule, d.outcome])).toEqual(issue7Decisions);

    // The next poll sees the bridge's own edit (its account in the history): nothing more.
    listing([corrected()]);
    nock(MANTIS)
      .get("/api/rest/issues/7")
      .reply(200, { issues: [corrected()] });
    await bridge!.pipeline.reconcile("sev");
    const after = await until(entries, (es) => es.some((e) => e.type === "own-change"));
    expect(after.filter((e) => e.type === "decisions")).toHaveLength(1);
    expect(after.filter((e) => e.type === "writeback")).toHaveLength(1);
  });

  it("the plugin's signed hint gives the same decisions, and the poller seeing the same edit acts no more", async () => {
    listing([]);
    await start();
    nock(MANTIS)
      .get("/api/rest/issues/7")
      .reply(200, { issues: [issue7()] });
    const mantis = expectCorrections();
    const body = JSON.stringify({
      issue_id: 7,
      project_id: 1,
      event: "report",
      actor: "line1",
      time: "2026-11-24T09:10:00+03:00",
    });
    const res = await bridge!.app.inject({
      method: "POST",
      url: "/webhooks/sev",
      headers: {
        "content-type": "application/json",
        "x-reglament-signature": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
      },
      payload: body,
    });
    expect(res.statusCode).toBe(202);
    const log = await until(entries, written);
    expect(mantis.pendingMocks()).toEqual([]);
    expect(decided(log).map((d) => [d.rule, d.outcome])).toEqual(issue7Decisions);

    // The poller lists the same issue as the plugin announced it: nothing new to decide.
    listing([issue7()]);
    nock(MANTIS)
      .get("/api/rest/issues/7")
      .reply(200, { issues: [issue7()] });
    await bridge!.pipeline.reconcile("sev");
    await new Promise((r) => setTimeout(r, 500));
    expect((await entries()).filter((e) => e.type === "decisions")).toHaveLength(1);
  });

  it("a person edits the issue while the correction is on its way (412): decided afresh, nothing overwritten", async () => {
    listing([issue7()]);
    nock(MANTIS)
      .get("/api/rest/issues/7")
      .reply(200, { issues: [issue7()] });
    // The operator lowers the impact to "minor" just before the bridge writes: "normal" now fits.
    const fixedByHand = issue7();
    fixedByHand.severity = { id: 50, name: "minor", label: "малое" };
    fixedByHand.updated_at = "2026-11-24T09:10:03+03:00";
    fixedByHand.history = [
      ...(fixedByHand.history as Json[]),
      {
        created_at: "2026-11-24T09:10:03+03:00",
        user: { id: 2, name: "line1" },
        field: { name: "severity", label: "Влияние" },
        type: { id: 0, name: "field-updated" },
        old_value: { id: 80, name: "block", label: "блокирующее" },
        new_value: { id: 50, name: "minor", label: "малое" },
      },
    ];
    const mantis = nock(MANTIS)
      .get("/api/rest/issues/7")
      .times(2)
      .reply(200, { issues: [issue7()] }, { etag: "etag-7" })
      .patch("/api/rest/issues/7")
      .matchHeader("if-match", "etag-7")
      .reply(412, "")
      .get("/api/rest/issues/7")
      .reply(200, { issues: [fixedByHand] });
    await start();
    const log = await until(entries, (es) => es.filter((e) => e.type === "decisions").length >= 2);
    expect(mantis.pendingMocks()).toEqual([]);
    expect(log.find((e) => e.type === "writeback")).toMatchObject({ result: "superseded" });
    const second = log.filter((e) => e.type === "decisions")[0] as {
      decisions: unknown[];
      writeback: string;
    };
    expect(second).toMatchObject({ writeback: "none", decisions: [] });
  });

  it("refuses an unsigned hint with 401 and a hint that is not the plugin's event with 400", async () => {
    listing([]);
    await start();
    const post = (payload: string, headers: Record<string, string> = {}) =>
      bridge!.app.inject({
        method: "POST",
        url: "/webhooks/sev",
        headers: { "content-type": "application/json", ...headers },
        payload,
      });
    expect((await post('{"issue_id":7}')).statusCode).toBe(401);
    const odd = '{"issue_id":7}';
    const signed = `sha256=${createHmac("sha256", SECRET).update(odd).digest("hex")}`;
    const res = await post(odd, { "x-reglament-signature": signed });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/project_id: is required/);
  });
});
