import nock from "nock";
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../../src/queue/decision-log.js";
import { ticketKey } from "../../../src/queue/names.js";
import { type RunningBridge, startBridge } from "../../../src/runtime/serve.js";
import { bridgeTestEnvironment, decisionLog, testBridgeConfig, until } from "../../helpers/bridge-http.js";
import { silentLogger } from "../../helpers/logger.js";
import { testRedisUrl } from "../../helpers/redis.js";
import {
  changelogEntry,
  comment,
  customer,
  developer,
  ORG,
  revertToErrorFound,
  robot,
  skippedCheck,
  status,
  TRACKER_API,
  trackerIssue,
  transitionTo,
} from "../../helpers/yandex.js";

/**
 * The MGERM regulation enforced on Yandex Tracker end to end: trigger requests in over
 * real HTTP, real Redis queues, the documented API calls out (nock).
 */
const redisUrl = testRedisUrl(10);
const SECRET = "trigger-secret";

function config(prefix: string) {
  return testBridgeConfig(prefix, {
    trackers: {
      mgerm: {
        kind: "yandex",
        baseUrl: TRACKER_API,
        token: "y0_token",
        webhookSecret: SECRET,
        bridgeUser: robot.id,
        reconcileIntervalSeconds: 3600,
        writesPerSecond: 50,
        projects: { MGERM: { pack: "mgerm" } },
        options: { orgId: ORG, backfillHours: 0 },
      },
    },
    packs: { mgerm: { mode: "enforce" } },
  });
}

let bridge: RunningBridge | undefined;
let n = 0;
let clock = Date.now();
async function start() {
  // The start-up check and reconciliation, answered for as long as the bridge runs.
  nock(TRACKER_API).persist().get("/v2/queues/MGERM").reply(200, { key: "MGERM" });
  nock(TRACKER_API).persist().post("/v2/issues/_search").query(true).reply(200, [], { "X-Total-Pages": "1" });
  bridge = await startBridge({
    config: config(`ya${process.pid}x${n++}`),
    configFile: "/tmp/reglament-test.yaml",
    env: { REDIS_URL: redisUrl },
    logger: silentLogger,
    clock: () => clock,
  });
}
bridgeTestEnvironment(redisUrl, async () => {
  await bridge?.shutdown.run("test end");
  bridge = undefined;
});

const trigger = (updatedAt: string, event = "updated") =>
  bridge!.app.inject({
    method: "POST",
    url: "/webhooks/mgerm",
    headers: { "content-type": "application/json", "x-reglament-secret": SECRET },
    payload: JSON.stringify({ key: "MGERM-12", event, actor: "someone", updatedAt }),
  });
/** The issue, its comments and its changelog as the API answers a fresh read. */
function serveIssue(issue: Record<string, unknown>, comments: unknown[], changelog: unknown[]) {
  return nock(TRACKER_API)
    .get("/v2/issues/MGERM-12")
    .reply(200, issue)
    .get("/v2/issues/MGERM-12/comments")
    .reply(200, comments)
    .get("/v2/issues/MGERM-12/changelog")
    .query({ perPage: "50" })
    .reply(200, changelog);
}
const entries = () => decisionLog(bridge!.app, "mgerm", "MGERM-12");
const has = (type: LogEntry["type"]) => (es: LogEntry[]) =>
  es.some((e) => e.type === type && (e.type !== "writeback" || e.result === "applied"));

describe("MGERM on Yandex Tracker, enforce mode", () => {
  it("transfer to production without 'checked, no errors' → the transition back and one comment; the trigger that causes → nothing more", async () => {
    await start();
    serveIssue(trackerIssue(), [], skippedCheck);
    const writes = revertToErrorFound(
      nock(TRACKER_API, { reqheaders: { authorization: "OAuth y0_token", "x-org-id": ORG } }),
      2,
    )
      .post(
        "/v2/issues/MGERM-12/comments",
        (b) =>
          /«Перенос на основную среду»/.test(b.text) &&
          /«Проверено, ошибок нет»/.test(b.text) &&
          /\[reglament:[0-9a-f]+\]$/.test(b.text),
      )
      .query({ isAddToFollowers: "false" })
      .reply(201, comment(90, "…", robot, "2026-03-10T09:00:05.000+0000"));

    expect((await trigger("2026-03-10T09:00:00.000+0000")).statusCode).toBe(202);
    const log = await until(entries, has("writeback"));
    expect(writes.pendingMocks()).toEqual([]);
    expect(log.find((e) => e.type === "decisions")).toMatchObject({
      decisions: [
        {
          rule: "status-transition-guard",
          outcome: "violation",
          actions: [{ type: "transition", status: "errorFound" }, { type: "comment" }],
        },
      ],
    });

    // Tracker's trigger fires for the bridge's own transition and comment.
    const reverted = trackerIssue({
      status: status("errorFound", "Найдена ошибка", "6"),
      updatedAt: "2026-03-10T09:00:05.000+0000",
    });
    serveIssue(
      reverted,
      [comment(90, "…\n\n[reglament:x/1]", robot, "2026-03-10T09:00:05.000+0000")],
      [
        ...skippedCheck,
        changelogEntry("c3", "2026-03-10T09:00:05.000+0000", robot, "IssueWorkflow", [
          {
            id: "status",
            from: status("transferToProduction", "Перенос на основную среду", "7"),
            to: status("errorFound", "Найдена ошибка", "6"),
          },
        ]),
      ],
    );
    await trigger("2026-03-10T09:00:05.000+0000");
    const after = await until(entries, has("own-change"));
    expect(after.filter((e) => e.type === "decisions")).toHaveLength(1);
    expect(after.filter((e) => e.type === "writeback")).toHaveLength(1);
  });

  it("a person moves the issue while the transition is on its way (412): decided afresh, nothing written", async () => {
    await start();
    serveIssue(trackerIssue(), [], skippedCheck);
    const writes = nock(TRACKER_API)
      .get("/v2/issues/MGERM-12")
      .times(2)
      .reply(200, trackerIssue())
      .get("/v2/issues/MGERM-12/transitions")
      .reply(200, [transitionTo("backToError", "errorFound", "Найдена ошибка")])
      .post("/v2/issues/MGERM-12/transitions/backToError/_execute", {})
      .reply(412, { errorMessages: ["Version conflict"], errors: {}, statusCode: 412 });
    // The developer has moved it back by hand meanwhile: nothing is left to correct.
    serveIssue(
      trackerIssue({ status: status("errorFound", "Найдена ошибка", "6") }),
      [],
      [
        ...skippedCheck,
        changelogEntry("c3", "2026-03-10T09:00:02.000+0000", developer, "IssueWorkflow", [
          {
            id: "status",
            from: status("transferToProduction", "Перенос на основную среду", "7"),
            to: status("errorFound", "Найдена ошибка", "6"),
          },
        ]),
      ],
    );
    await trigger("2026-03-10T09:00:00.000+0000");
    const log = await until(entries, (es) => es.filter((e) => e.type === "decisions").length >= 2);
    expect(writes.pendingMocks()).toEqual([]);
    expect(log.find((e) => e.type === "writeback")).toMatchObject({ result: "superseded" });
    expect(log.filter((e) => e.type === "writeback")).toHaveLength(1);
  });

  it("a comment on a ticket closed as a duplicate → one reply quoting the key; the trigger of that reply → nothing more", async () => {
    await start();
    const closed = trackerIssue({
      status: status("duplicate", "Дубликат", "10"),
      updatedAt: "2026-03-12T10:00:00.000+0000",
    });
    const late = comment(95, "Опять не сохраняется!", customer, "2026-03-12T10:00:00.000+0000");
    const closing = changelogEntry("c4", "2026-03-11T10:00:00.000+0000", developer, "IssueWorkflow", [
      {
        id: "status",
        from: status("checkedNoErrors", "Проверено, ошибок нет", "8"),
        to: status("duplicate", "Дубликат", "10"),
      },
    ]);
    serveIssue(closed, [late], [...skippedCheck, closing]);
    const writes = nock(TRACKER_API)
      .get("/v2/issues/MGERM-12")
      .times(2)
      .reply(200, closed)
      .get("/v2/issues/MGERM-12/comments")
      .reply(200, [late])
      .post("/v2/issues/MGERM-12/comments", (b) => /MGERM-12/.test(b.text) && /нов/.test(b.text))
      .query(true)
      .reply(201, comment(96, "…", robot, "2026-03-12T10:00:03.000+0000"));
    await trigger("2026-03-12T10:00:00.000+0000", "commented");
    await until(entries, has("writeback"));
    expect(writes.pendingMocks()).toEqual([]);

    serveIssue(
      closed,
      [late, comment(96, "…\n\n[reglament:x/0]", robot, "2026-03-12T10:00:03.000+0000")],
      [...skippedCheck, closing],
    );
    await trigger("2026-03-12T10:00:03.000+0000", "commented");
    const after = await until(entries, has("own-change"));
    expect(after.filter((e) => e.type === "writeback")).toHaveLength(1);
  });

  it("10 working days in 'need info' without an answer, across the May holidays → closed for no answer", async () => {
    clock = Date.parse("2026-04-29T12:00:00+03:00");
    await start();
    const waiting = trackerIssue({
      status: status("needInfo", "Запрошена дополнительная информация", "4"),
      updatedAt: "2026-04-29T09:00:00.000+0000",
    });
    const asked = changelogEntry("c5", "2026-04-29T09:00:00.000+0000", developer, "IssueWorkflow", [
      {
        id: "status",
        from: status("inProgress", "В работе", "3"),
        to: status("needInfo", "Запрошена дополнительная информация", "4"),
      },
    ]);
    serveIssue(waiting, [], [skippedCheck[0], asked]);
    await trigger("2026-04-29T09:00:00.000+0000");
    await until(entries, has("decisions"));

    // 1, 9 and 11 May are days off: the tenth working day ends on 18 May.
    clock = Date.parse("2026-05-19T10:00:00+03:00");
    serveIssue(waiting, [], [skippedCheck[0], asked]);
    const writes = nock(TRACKER_API)
      .get("/v2/issues/MGERM-12")
      .times(2)
      .reply(200, waiting)
      .get("/v2/issues/MGERM-12/transitions")
      .reply(200, [transitionTo("noAnswer", "closedNoAnswer", "Закрыто из-за отсутствия ответа")])
      .post("/v2/issues/MGERM-12/transitions/noAnswer/_execute", {})
      .reply(200, [])
      .get("/v2/issues/MGERM-12/comments")
      .reply(200, [])
      .post("/v2/issues/MGERM-12/comments")
      .query(true)
      .reply(201, comment(97, "…", robot, "2026-05-19T07:00:00.000+0000"));
    await bridge!.sla.onDue(ticketKey({ instance: "mgerm", id: "MGERM-12" }));
    const log = await until(entries, has("writeback"));
    expect(writes.pendingMocks()).toEqual([]);
    expect(log.find((e) => e.type === "decisions")).toMatchObject({
      decisions: [
        {
          rule: "sla:ticket.auto_closed",
          actions: [{ type: "transition", status: "closedNoAnswer" }, { type: "comment" }],
        },
      ],
    });
  });

  it("a wrong secret → 401, a body without the template's variables → 400 naming them, another queue → 202", async () => {
    await start();
    const post = (payload: unknown, secret = SECRET) =>
      bridge!.app.inject({
        method: "POST",
        url: "/webhooks/mgerm",
        headers: { "content-type": "application/json", "x-reglament-secret": secret },
        payload: JSON.stringify(payload),
      });
    const body = { key: "MGERM-12", event: "changed", actor: "x", updatedAt: "2026-03-10T09:00:00.000+0000" };
    expect((await post(body, "wrong-secret")).statusCode).toBe(401);
    const missing = await post({ key: "MGERM-12", event: "changed" });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toMatch(/actor: is required.*updatedAt: is required/);
    const other = await post({ ...body, key: "OTHER-5" });
    expect(other.statusCode).toBe(202);
    expect(other.json()).toMatchObject({ status: "ignored" });
  });
});
