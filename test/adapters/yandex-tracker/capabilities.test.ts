import nock from "nock";
import { describe, expect, it } from "vitest";
import { createYandexAdapter } from "../../../adapters/yandex-tracker/adapter.js";
import { YandexClient } from "../../../adapters/yandex-tracker/client.js";
import type { PackNeed, TrackerNeed } from "../../../src/domain/tracker-needs.js";
import { strictNock } from "../../helpers/bridge-http.js";
import { ORG, robot, TRACKER_API, yandexNormaliser } from "../../helpers/yandex.js";

const n = yandexNormaliser({
  orgId: ORG,
  statuses: { needInfo: "needInfo", waitingForInformation: "needInfo" },
});
const adapter = createYandexAdapter(n, new YandexClient("mgerm", TRACKER_API, "y0_token", n.options), {
  queues: ["MGERM"],
  bridgeUser: robot.id,
});
const by = { pack: "mgerm", rule: "r", section: "x" };
const needs = (...list: TrackerNeed[]) => new Map([["MGERM", list.map((x): PackNeed => ({ ...x, by }))]]);
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

strictNock();

describe("Yandex Tracker: the statuses a pack moves issues into exist", () => {
  it("a status the organisation lacks blocks, naming the keys it has and where to map it", async () => {
    nock(TRACKER_API, { reqheaders: { "x-org-id": ORG } })
      .get("/v3/statuses")
      .reply(200, [status(1, "open"), status(2, "errorFound"), status(3, "needInfo")]);
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
    nock(TRACKER_API)
      .get("/v3/statuses")
      .reply(200, [status(3, "needInfo")]);
    expect(await adapter.checkCapabilities!(needs({ kind: "transition", status: "needInfo" }))).toEqual([]);
  });

  it("a pack that moves no issue asks nothing", async () => {
    expect(await adapter.checkCapabilities!(needs({ kind: "comment" }))).toEqual([]);
  });
});
