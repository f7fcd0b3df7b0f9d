import nock from "nock";
import { describe, expect, it } from "vitest";
import { createYandexAdapter } from "../../../adapters/yandex-tracker/adapter.js";
import { YandexClient } from "../../../adapters/yandex-tracker/client.js";
import { strictNock } from "../../helpers/bridge-http.js";
import { ORG, robot, TRACKER_API, trackerIssue, yandexNormaliser } from "../../helpers/yandex.js";

/**
 * The audit's listing of a window holding more than 10,000 issues, which paged output
 * cannot reach (search-issues.md): the first page's X-Total-Count says so, and the queue
 * is scrolled — `scrollType=sorted&perScroll=…&scrollTTLMillis=…`, then `scrollId` (and
 * `scrollToken`) from the previous answer's X-Scroll-Id / X-Scroll-Token until an answer
 * comes without them.
 */
const n = yandexNormaliser({ orgId: ORG, pageSize: 2 });
const adapter = createYandexAdapter(n, new YandexClient("mgerm", TRACKER_API, "y0_token", n.options), {
  queues: ["MGERM"],
  bridgeUser: robot.id,
});
const window = { since: "2026-03-01T00:00:00.000Z", until: "2026-04-01T00:00:00.000Z" };
const sameBody = (b: { filter: { queue: string; updated: { from: string; to: string } }; order: string }) =>
  b.filter.queue === "MGERM" &&
  b.order === "+updated" &&
  b.filter.updated.from === "2026-03-01T00:00:00.000+0000" &&
  b.filter.updated.to === "2026-04-01T00:00:00.000+0000";
const issues = (...keys: string[]) => keys.map((key) => trackerIssue({ key }));

strictNock();

describe("Yandex Tracker: the audit's listing past 10,000 issues", () => {
  it("scrolls, sorted as the paged search would be, to the answer without X-Scroll-Id", async () => {
    const api = nock(TRACKER_API, { reqheaders: { "x-org-id": ORG } })
      .post("/v2/issues/_search", sameBody)
      .query({ perPage: "2", page: "1" })
      .reply(200, issues("MGERM-1", "MGERM-2"), { "X-Total-Count": "10001", "X-Total-Pages": "5001" })
      .post("/v2/issues/_search", sameBody)
      .query({ scrollType: "sorted", perScroll: "2", scrollTTLMillis: "60000" })
      .reply(200, issues("MGERM-1", "MGERM-2"), {
        "X-Scroll-Id": "scroll-1",
        "X-Scroll-Token": "token-1",
        "X-Total-Count": "10001",
      })
      .post("/v2/issues/_search", sameBody)
      .query({ scrollId: "scroll-1", scrollToken: "token-1", scrollTTLMillis: "60000" })
      .reply(200, issues("MGERM-3", "MGERM-4"), { "X-Scroll-Id": "scroll-2", "X-Scroll-Token": "token-2" })
      .post("/v2/issues/_search", sameBody)
      .query({ scrollId: "scroll-2", scrollToken: "token-2", scrollTTLMillis: "60000" })
      .reply(200, issues("MGERM-5"), { "X-Total-Count": "10001" });
    const pages: string[][] = [];
    for await (const page of adapter.listUpdated(window)) pages.push(page.map((t) => t.ref.id));
    expect(pages).toEqual([["MGERM-1", "MGERM-2"], ["MGERM-3", "MGERM-4"], ["MGERM-5"]]);
    expect(api.pendingMocks()).toEqual([]);
  });

  it("a listing left before its end releases the scroll (search-release.md)", async () => {
    nock(TRACKER_API)
      .post("/v2/issues/_search", sameBody)
      .query({ perPage: "2", page: "1" })
      .reply(200, issues("MGERM-1", "MGERM-2"), { "X-Total-Count": "20000" })
      .post("/v2/issues/_search", sameBody)
      .query({ scrollType: "sorted", perScroll: "2", scrollTTLMillis: "60000" })
      .reply(200, issues("MGERM-1", "MGERM-2"), { "X-Scroll-Id": "scroll-1", "X-Scroll-Token": "token-1" })
      .post("/v2/system/search/scroll/_clear", { "scroll-1": "token-1" })
      .reply(200);
    for await (const page of adapter.listUpdated(window)) {
      expect(page).toHaveLength(2);
      break;
    }
  });

  it("at most 10,000 issues are paged as before, with no scroll", async () => {
    nock(TRACKER_API)
      .post("/v2/issues/_search", sameBody)
      .query({ perPage: "2", page: "1" })
      .reply(200, issues("MGERM-1"), { "X-Total-Count": "1", "X-Total-Pages": "1" });
    const pages: string[][] = [];
    for await (const page of adapter.listUpdated(window)) pages.push(page.map((t) => t.ref.id));
    expect(pages).toEqual([["MGERM-1"]]);
  });
});
