import nock from "nock";
import { describe, expect, it, vi } from "vitest";
import { createYandexAdapter } from "../../../adapters/yandex-tracker/adapter.js";
import { YandexClient } from "../../../adapters/yandex-tracker/client.js";
import { nextLink } from "../../../adapters/yandex-tracker/paging.js";
import type { TicketRef } from "../../../src/domain/ticket.js";
import { strictNock } from "../../helpers/bridge-http.js";
import {
  changelogEntry,
  comment,
  customer,
  developer,
  ORG,
  robot,
  status,
  TRACKER_API,
  trackerIssue,
  yandexNormaliser,
} from "../../helpers/yandex.js";

/**
 * A long ticket read whole, as the API pages it: comments and changelog 50 at a time
 * (get-comments.md, get-changelog.md), the next page named by `Link: <…?id=…&perPage=50>;
 * rel="next"` (the host is the API's public one and is dropped), the oldest first.
 */
const host = "https://api.tracker.yandex.net";
const path = "/v2/issues/MGERM-12";
const ref: TicketRef = { tracker: "yandex", instance: "mgerm", project: "MGERM", id: "MGERM-12" };
const at = (i: number) => new Date(Date.UTC(2026, 2, 1) + i * 60_000).toISOString().replace("Z", "+0000");
const hexId = (i: number) => `6033f986bd6c4a04${String(i).padStart(8, "0")}`;

function adapterWith(options: Record<string, unknown> = {}) {
  const n = yandexNormaliser({ orgId: ORG, ...options });
  const logger = { info: vi.fn(), warn: vi.fn() };
  const adapter = createYandexAdapter(n, new YandexClient("mgerm", TRACKER_API, "y0_token", n.options), {
    queues: ["MGERM"],
    bridgeUser: robot.id,
    logger,
  });
  return { adapter, logger };
}

/** Serves `items` 50 a page at `url` (the first `pages` of them), each page linking the next by the last item's id. */
function paged(
  scope: nock.Scope,
  url: string,
  items: { id: string | number }[],
  firstQuery?: Record<string, string>,
  pages = Number.POSITIVE_INFINITY,
) {
  for (let start = 0; start < items.length && start < pages * 50; start += 50) {
    const page = items.slice(start, start + 50);
    const after = start === 0 ? undefined : String(items[start - 1]!.id);
    const more = start + 50 < items.length;
    const links = [`<${host}${url}?perPage=50>; rel="first"`];
    if (more) links.push(`<${host}${url}?id=${page.at(-1)!.id}&perPage=50>; rel="next"`);
    const query = after ? { id: after, perPage: "50" } : firstQuery;
    (query ? scope.get(url).query(query) : scope.get(url)).reply(200, page, { Link: links.join(", ") });
  }
  return scope;
}

const comments = Array.from({ length: 120 }, (_, i) =>
  comment(i + 1, i === 119 ? "Ответ клиента: всё работает" : `Комментарий ${i + 1}`, customer, at(i)),
);
const changelog = Array.from({ length: 700 }, (_, i) =>
  i === 699
    ? changelogEntry(hexId(i), at(i), robot, "IssueWorkflow", [
        { id: "status", from: status("needInfo", "Нужна информация"), to: status("closed", "Закрыт") },
      ])
    : changelogEntry(hexId(i), at(i), developer, "IssueUpdated", [{ id: "tags", from: null, to: [`t${i}`] }]),
);

strictNock();

describe("Yandex Tracker: a long ticket is read whole", () => {
  it("120 comments and 700 changelog entries, the newest of each included", async () => {
    const { adapter } = adapterWith();
    const scope = nock(TRACKER_API, { reqheaders: { "x-org-id": ORG } })
      .get(path)
      .reply(200, trackerIssue());
    paged(scope, `${path}/comments`, comments);
    paged(scope, `${path}/changelog`, changelog, { perPage: "50" });
    const ticket = await adapter.fetchTicket(ref);
    expect(ticket.comments).toHaveLength(120);
    expect(ticket.comments.at(-1)).toMatchObject({ id: "120", body: "Ответ клиента: всё работает" });
    expect(ticket.history).toHaveLength(700);
    expect(ticket.history.at(-1)).toMatchObject({
      field: "status",
      from: "needInfo",
      to: "closed",
      by: { id: robot.id },
    });
  });

  it("a changelog longer than options.maxChangelogEntries drops its oldest entries, never the newest, and says so", async () => {
    const { adapter, logger } = adapterWith({ maxChangelogEntries: 100 });
    const scope = nock(TRACKER_API).get(path).reply(200, trackerIssue());
    paged(scope, `${path}/comments`, comments.slice(0, 3));
    paged(scope, `${path}/changelog`, changelog, { perPage: "50" });
    const ticket = await adapter.fetchTicket(ref);
    expect(ticket.history).toHaveLength(100);
    expect(ticket.history[0]).toMatchObject({ field: "labels", to: ["t600"] });
    expect(ticket.history.at(-1)).toMatchObject({ field: "status", to: "closed" });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ ticket: "MGERM-12", dropped: 600, kept: 100 }),
      expect.stringMatching(/options\.maxChangelogEntries \(100\); its 600 oldest entries are left out/),
    );
  });

  it("more comments than options.maxComments is refused by name, not read in part", async () => {
    const { adapter } = adapterWith({ maxComments: 100 });
    const scope = nock(TRACKER_API).get(path).reply(200, trackerIssue());
    // Two pages are read; the third is not asked for.
    paged(scope, `${path}/comments`, comments, undefined, 2);
    scope.get(`${path}/changelog`).query(true).reply(200, []);
    await expect(adapter.fetchTicket(ref)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(
        /more than 100 comments, and the newest were not reached; raise trackers\.mgerm\.options\.maxComments/,
      ),
    });
  });

  it("without a Link header a full page is followed by the last id; a page with nothing new ends the walk", async () => {
    const { adapter } = adapterWith();
    const first = comments.slice(0, 50);
    nock(TRACKER_API)
      .get(path)
      .reply(200, trackerIssue())
      .get(`${path}/comments`)
      .reply(200, first)
      .get(`${path}/comments`)
      .query({ perPage: "50", id: "50" })
      .reply(200, first)
      .get(`${path}/changelog`)
      .query(true)
      .reply(200, []);
    expect((await adapter.fetchTicket(ref)).comments).toHaveLength(50);
  });

  it("a replayed write-back finds its marker in the 120th comment and posts nothing", async () => {
    const { adapter } = adapterWith();
    const mine = [...comments.slice(0, 119), comment(120, "Решение.\n\n[reglament:ab/0]", robot, at(119))];
    paged(nock(TRACKER_API).get(path).reply(200, trackerIssue()), `${path}/comments`, mine);
    const result = await adapter.applyActions(ref, [{ type: "comment", body: "Решение.", public: true }], {
      marker: "reglament:ab",
    });
    expect(result).toMatchObject({ applied: [], skipped: [{ type: "comment" }] });
  });

  it('reads rel="next" among several links, in one header or several, without the host', () => {
    const first = `<${host}/v2/issues/SCR-8/changelog?perPage=50>; rel="first"`;
    const next = `<${host}/v2/issues/SCR-8/changelog?id=5b9a1a88f7c60500&perPage=50>; rel="next"`;
    expect(nextLink(`${first}, ${next}`)).toBe("/v2/issues/SCR-8/changelog?id=5b9a1a88f7c60500&perPage=50");
    expect(nextLink([first, next])).toBe("/v2/issues/SCR-8/changelog?id=5b9a1a88f7c60500&perPage=50");
    expect(nextLink(first)).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
  });
});
