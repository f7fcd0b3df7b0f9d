import nock from "nock";
import { describe, expect, it } from "vitest";
import { createYandexAdapter } from "../../../adapters/yandex-tracker/adapter.js";
import { YandexClient } from "../../../adapters/yandex-tracker/client.js";
import { YandexOptions } from "../../../adapters/yandex-tracker/options.js";
import { parseTrigger, verifyTriggerSecret } from "../../../adapters/yandex-tracker/trigger.js";
import type { TicketRef } from "../../../src/domain/ticket.js";
import { strictNock } from "../../helpers/bridge-http.js";
import {
  comment,
  ORG,
  revertToErrorFound,
  robot,
  TRACKER_API,
  trackerIssue,
  transitionTo,
  yandexNormaliser,
} from "../../helpers/yandex.js";

const NOW = Date.parse("2026-03-10T12:00:00Z");
const n = yandexNormaliser({ orgId: ORG, pageSize: 2 });
const adapter = createYandexAdapter(n, new YandexClient("mgerm", TRACKER_API, "y0_token", n.options), {
  queues: ["MGERM"],
  bridgeUser: robot.id,
  webhookSecret: "trigger-secret",
  now: () => NOW,
});
const ref: TicketRef = { tracker: "yandex", instance: "mgerm", project: "MGERM", id: "MGERM-12" };
const api = () => nock(TRACKER_API, { reqheaders: { authorization: "OAuth y0_token", "x-org-id": ORG } });

strictNock();

describe("Yandex Tracker write-back (documented calls)", () => {
  it("moves the status through the workflow's transition and posts one comment with its marker", async () => {
    revertToErrorFound(api())
      .post("/v2/issues/MGERM-12/comments", { text: "Сначала проверка клиентом.\n\n[reglament:ab/1]" })
      .query({ isAddToFollowers: "false" })
      .reply(201, comment(77, "…", robot, "2026-03-10T09:00:05.000+0000"));
    const result = await adapter.applyActions(
      ref,
      [
        { type: "transition", status: "errorFound" },
        { type: "comment", body: "Сначала проверка клиентом.", public: true },
      ],
      { marker: "reglament:ab" },
    );
    expect(result.applied).toHaveLength(2);
  });

  it("edits priority, assignee and tags in one PATCH carrying the issue's version", async () => {
    api()
      .get("/v2/issues/MGERM-12")
      .reply(200, trackerIssue({ tags: ["triage"] }))
      .patch("/v2/issues/MGERM-12", {
        priority: { key: "critical" },
        assignee: "1130000033333333",
        tags: { add: ["sla-breach"], remove: ["triage"] },
      })
      .query({ version: "7" })
      .reply(200, trackerIssue());
    const result = await adapter.applyActions(
      ref,
      [
        { type: "setField", field: "priority", value: "urgent" },
        { type: "assign", to: "1130000033333333" },
        { type: "addLabel", label: "sla-breach" },
        { type: "removeLabel", label: "triage" },
      ],
      { marker: "m" },
    );
    expect(result.applied).toHaveLength(4);
  });

  it("a replay finds the status reached and the comment posted, and writes nothing", async () => {
    api()
      .get("/v2/issues/MGERM-12")
      .reply(200, trackerIssue({ status: { id: "6", key: "errorFound", display: "Найдена ошибка" } }))
      .get("/v2/issues/MGERM-12/comments")
      .reply(200, [
        comment(77, "Сначала проверка клиентом.\n\n[reglament:ab/1]", robot, "2026-03-10T09:00:05.000+0000"),
      ]);
    const result = await adapter.applyActions(
      ref,
      [
        { type: "transition", status: "errorFound" },
        { type: "comment", body: "Сначала проверка клиентом.", public: true },
      ],
      { marker: "reglament:ab" },
    );
    expect(result.applied).toEqual([]);
    expect(result.skipped).toHaveLength(2);
  });

  it("a status the workflow cannot reach fails for good, naming the transitions there are", async () => {
    api()
      .get("/v2/issues/MGERM-12")
      .reply(200, trackerIssue())
      .get("/v2/issues/MGERM-12/transitions")
      .reply(200, [transitionTo("close", "closed", "Закрыть")]);
    await expect(
      adapter.applyActions(ref, [{ type: "transition", status: "checkedNoErrors" }], { marker: "m" }),
    ).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(
        /no transition to status "checkedNoErrors" .*available: close → closed \(Закрыть\)/,
      ),
    });
  });

  it("a 409 version conflict is a conflict to decide again, 5xx and 429 are retried, 403 is permanent", async () => {
    api()
      .get("/v2/issues/MGERM-12")
      .reply(200, trackerIssue())
      .patch("/v2/issues/MGERM-12")
      .query(true)
      .reply(409, { errorMessages: ["Version conflict"], errors: {}, statusCode: 409 });
    await expect(
      adapter.applyActions(ref, [{ type: "setField", field: "priority", value: "urgent" }], { marker: "m" }),
    ).rejects.toMatchObject({
      conflict: true,
      status: 409,
      message: expect.stringMatching(/Version conflict/),
    });
    api().get("/v2/issues/MGERM-12").reply(503, {}).get("/v2/issues/MGERM-12/comments").reply(200, []);
    api().get("/v2/issues/MGERM-12/changelog").query(true).reply(200, []);
    await expect(adapter.fetchTicket(ref)).rejects.toMatchObject({ retryable: true, status: 503 });
    api()
      .get("/v2/queues/MGERM")
      .reply(403, { errorMessages: ["Access denied"], errors: {}, statusCode: 403 });
    await expect(adapter.verifyAccess()).rejects.toMatchObject({
      code: "REG_TRACKER_ACCESS_DENIED",
      message: expect.stringMatching(/project "MGERM" .*Access denied/),
    });
  });
});

describe("Yandex Tracker reconciliation", () => {
  it("searches the queue by update time, oldest first, and moves the cursor to the newest listed", async () => {
    const page = (issues: unknown[], totalPages = 1) =>
      api()
        .post(
          "/v2/issues/_search",
          (b) =>
            b.filter.queue === "MGERM" && b.order === "+updated" && typeof b.filter.updated.from === "string",
        )
        .query({ perPage: "2", page: "1" })
        .reply(200, issues, { "X-Total-Pages": String(totalPages), "X-Total-Count": String(issues.length) });
    page(
      [
        trackerIssue({ key: "MGERM-3", updatedAt: "2026-03-10T08:00:00.000+0000" }),
        trackerIssue({ key: "MGERM-12", updatedAt: "2026-03-10T09:00:00.000+0000" }),
      ],
      2,
    );
    const first = await adapter.listUpdatedSince(undefined);
    expect(first.tickets.map((t) => t.ref.id)).toEqual(["MGERM-3", "MGERM-12"]);
    expect(JSON.parse(first.cursor)).toEqual({ MGERM: { since: "2026-03-10T09:00:00.000+00:00", page: 1 } });
  });
});

describe("Yandex Tracker trigger requests", () => {
  const body = JSON.stringify({
    key: "MGERM-12",
    event: "updated",
    actor: "doctor1",
    updatedAt: "2026-03-10T09:00:00.000+0000",
  });
  const req = (headers: Record<string, string>, raw = body) => ({ headers, rawBody: Buffer.from(raw) });
  const secretHeader = YandexOptions.parse({ orgId: "1" }).secretHeader;

  it("accepts the secret in its header or as the Basic auth password; refuses anything else with 401", () => {
    expect(() =>
      verifyTriggerSecret(
        "mgerm",
        "trigger-secret",
        secretHeader,
        req({ "x-reglament-secret": "trigger-secret" }),
      ),
    ).not.toThrow();
    const basic = `Basic ${Buffer.from("tracker:trigger-secret").toString("base64")}`;
    expect(() =>
      verifyTriggerSecret("mgerm", "trigger-secret", secretHeader, req({ authorization: basic })),
    ).not.toThrow();
    for (const headers of [{}, { "x-reglament-secret": "nope" }] as Record<string, string>[]) {
      expect(() => verifyTriggerSecret("mgerm", "trigger-secret", secretHeader, req(headers))).toThrow(
        expect.objectContaining({ httpStatus: 401 }),
      );
    }
  });

  it("derives the delivery id from the key and update time; names a missing template variable with 400", () => {
    expect(parseTrigger("mgerm", req({}))).toEqual({
      handled: true,
      events: [
        {
          deliveryId: "yandex-MGERM-12-2026-03-10T09:00:00.000+0000-updated",
          ref: { tracker: "yandex", instance: "mgerm", project: "MGERM", id: "MGERM-12" },
        },
      ],
    });
    expect(() => parseTrigger("mgerm", req({}, '{"key":"MGERM-12","event":"updated","actor":"x"}'))).toThrow(
      /updatedAt: is required/,
    );
    expect(() => parseTrigger("mgerm", req({}, '{"key":MGERM-12}'))).toThrow(/not JSON .*\.json modifier/);
  });
});

describe("Yandex Tracker: the audit's listing of a window", () => {
  it("searches updated from … to, ascending, page by page as X-Total-Pages says", async () => {
    const search = (page: number, issues: unknown[], totalPages: number) =>
      api()
        .post(
          "/v2/issues/_search",
          (b) =>
            b.filter.queue === "MGERM" &&
            b.order === "+updated" &&
            b.filter.updated.from === "2026-03-01T00:00:00.000+0000" &&
            b.filter.updated.to === "2026-04-01T00:00:00.000+0000",
        )
        .query({ perPage: "2", page: String(page) })
        .reply(200, issues, { "X-Total-Pages": String(totalPages) });
    search(1, [trackerIssue({ key: "MGERM-3" }), trackerIssue({ key: "MGERM-4" })], 2);
    search(2, [trackerIssue({ key: "MGERM-5" })], 2);
    const pages: string[][] = [];
    for await (const page of adapter.listUpdated({
      since: "2026-03-01T00:00:00.000Z",
      until: "2026-04-01T00:00:00.000Z",
    }))
      pages.push(page.map((t) => t.ref.id));
    expect(pages).toEqual([["MGERM-3", "MGERM-4"], ["MGERM-5"]]);
    expect(adapter.refFromUrl("https://tracker.yandex.ru/MGERM-12")).toMatchObject({
      project: "MGERM",
      id: "MGERM-12",
    });
  });
});

describe("Yandex Tracker: a queue's open issues, for the duplicates rule", () => {
  it("searches the queue's unresolved issues, latest updated first, one bounded page", async () => {
    api()
      .post(
        "/v2/issues/_search",
        (b) => b.query === 'Queue: MGERM Resolution: empty() "Sort by": Updated DESC',
      )
      .query({ perPage: "100", page: "1" })
      .reply(200, [trackerIssue({ key: "MGERM-7", summary: "Не открывается расписание" })]);
    const open = await adapter.listOpen!("MGERM", 200);
    expect(open.map((t) => [t.ref.id, t.title])).toEqual([["MGERM-7", "Не открывается расписание"]]);
  });
});
