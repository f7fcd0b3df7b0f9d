import nock from "nock";
import { describe, expect, it, vi } from "vitest";
import { createYandexAdapter } from "../../../adapters/yandex-tracker/adapter.js";
import { YandexClient } from "../../../adapters/yandex-tracker/client.js";
import type { PackNeed, TrackerNeed } from "../../../src/domain/tracker-needs.js";
import { strictNock } from "../../helpers/bridge-http.js";
import { ORG, robot, TRACKER_API, yandexNormaliser } from "../../helpers/yandex.js";

const n = yandexNormaliser({
  orgId: ORG,
  statuses: { needInfo: "needInfo", waitingForInformation: "needInfo" },
});
const logger = { info: vi.fn(), warn: vi.fn() };
const adapter = createYandexAdapter(n, new YandexClient("mgerm", TRACKER_API, "y0_token", n.options), {
  queues: ["MGERM"],
  bridgeUser: robot.id,
  logger,
});
const by = { pack: "mgerm", rule: "r", section: "x" };
const needs = (...list: TrackerNeed[]) => new Map([["MGERM", list.map((x): PackNeed => ({ ...x, by }))]]);
const host = "https://api.tracker.yandex.net";
// The shape of GET /v3/statuses in the API reference.
const status = (id: number, key: string) => ({
  self: `${TRACKER_API}/v3/statuses/${id}`,
  id,
  version: 1,
  key,
  name: key,
  order: id,
  type: "new",
});
// GET /v2/priorities (get-priorities.md): { self, id, key, version, name, order }.
const priority = (id: number, key: string, name: string) => ({
  self: `${host}/v2/priorities/${id}`,
  id,
  key,
  version: 1341632717561,
  name,
  order: id,
});
const orgPriorities = [
  priority(1, "trivial", "Незначительный"),
  priority(2, "minor", "Низкий"),
  priority(3, "normal", "Средний"),
  priority(4, "critical", "Критичный"),
  priority(5, "blocker", "Блокер"),
];
// GET /v3/queues/{queue}/permissions/users/{user} (get-user-access): each right the user has, by who grants it.
const rights = (...names: string[]) => ({
  user: { self: `${host}/v3/users/${robot.id}`, id: robot.id, display: robot.display },
  permissions: Object.fromEntries(names.map((r) => [r, { users: [robot] }])),
});
const api = () => nock(TRACKER_API, { reqheaders: { "x-org-id": ORG } });
const robotRights = `/v3/queues/MGERM/permissions/users/${robot.id}`;

strictNock();

describe("Yandex Tracker: the statuses a pack moves issues into exist", () => {
  it("a status the organisation lacks blocks, naming the keys it has and where to map it", async () => {
    api()
      .get("/v3/statuses")
      .reply(200, [status(1, "open"), status(2, "errorFound"), status(3, "needInfo")])
      .get("/v2/priorities")
      .reply(200, orgPriorities)
      .get(robotRights)
      .reply(200, rights("CREATE", "WRITE", "READ"));
    const problems = await adapter.checkCapabilities!(
      needs(
        { kind: "transition", status: "errorFound" },
        { kind: "transition", status: "closedNoAnswer" },
        { kind: "comment" },
      ),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      project: "MGERM",
      severity: "blocks",
      setting: "trackers.mgerm.options.statuses",
    });
    expect(problems[0]?.message).toMatch(
      /moving issues to closedNoAnswer will be refused: the organisation has no status with the key "closedNoAnswer" \(it has open, errorFound, needInfo\)/,
    );
  });

  it("a pack status mapped to the queue's own key is looked up by that key", async () => {
    api()
      .get("/v3/statuses")
      .reply(200, [status(3, "needInfo")])
      .get("/v2/priorities")
      .reply(200, orgPriorities)
      .get(robotRights)
      .reply(200, rights("WRITE"));
    expect(await adapter.checkCapabilities!(needs({ kind: "transition", status: "needInfo" }))).toEqual([]);
  });

  it("a pack that only comments asks no statuses and no rights; the priorities are still compared", async () => {
    api().get("/v2/priorities").reply(200, orgPriorities);
    expect(await adapter.checkCapabilities!(needs({ kind: "comment" }))).toEqual([]);
    expect(await adapter.checkCapabilities!(new Map())).toEqual([]);
  });
});

describe("Yandex Tracker: the priorities of options.priorities exist (GET /v2/priorities)", () => {
  it("a mapped key the organisation lacks blocks a pack that sets priority; an unmapped one reads as unknown", async () => {
    api()
      .get("/v2/priorities")
      .reply(200, [
        priority(1, "trivial", "Незначительный"),
        priority(2, "low", "Низкий"),
        priority(3, "normal", "Средний"),
        priority(4, "critical", "Критичный"),
        priority(5, "blocker", "Блокер"),
      ])
      .get(robotRights)
      .reply(200, rights("WRITE"));
    const problems = await adapter.checkCapabilities!(needs({ kind: "setField", field: "priority" }));
    expect(problems).toEqual([
      expect.objectContaining({
        severity: "blocks",
        setting: "trackers.mgerm.options.priorities",
        need: expect.objectContaining({ kind: "setField", field: "priority" }),
        message: expect.stringMatching(
          /setting priority low will be refused: .* maps it to the key "minor", which the organisation has no priority for \(the organisation has trivial \(Незначительный\), low \(Низкий\)/,
        ),
      }),
      expect.objectContaining({
        severity: "hinders",
        message: expect.stringMatching(/priority "low" are read with priority "unknown"/),
      }),
    ]);
  });
});

describe("Yandex Tracker: the robot may edit issues in the queue (GET /v3/queues/…/permissions/users/…)", () => {
  it("no WRITE right blocks the pack's edits, naming what the robot may do", async () => {
    api()
      .get("/v2/priorities")
      .reply(200, orgPriorities)
      .get(robotRights)
      .reply(200, rights("CREATE", "READ"));
    const problems = await adapter.checkCapabilities!(needs({ kind: "assign" }, { kind: "comment" }));
    expect(problems).toEqual([
      expect.objectContaining({
        project: "MGERM",
        severity: "blocks",
        need: expect.objectContaining({ kind: "assign" }),
        setting: "queue MGERM access: write (edit issues)",
        message: expect.stringMatching(/may create, read in queue MGERM but not edit issues there/),
      }),
    ]);
  });

  it("rights the robot may not read are unknown: logged, not a finding", async () => {
    logger.info.mockClear();
    api()
      .get("/v2/priorities")
      .reply(200, orgPriorities)
      .get(robotRights)
      .reply(403, { errorMessages: ["Access denied"], errors: {}, statusCode: 403 });
    expect(await adapter.checkCapabilities!(needs({ kind: "labels" }))).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(
      expect.objectContaining({ project: "MGERM" }),
      expect.stringMatching(/could not tell whether the robot may edit issues in queue MGERM/),
    );
  });
});
