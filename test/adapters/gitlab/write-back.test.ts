import nock from "nock";
import { describe, expect, it } from "vitest";
import { createGitlabAdapter } from "../../../adapters/gitlab/adapter.js";
import { gitlabApi } from "../../../adapters/gitlab/client.js";
import type { Action } from "../../../src/domain/action.js";
import type { TicketRef } from "../../../src/domain/ticket.js";
import { TrackerRequestError } from "../../../src/errors/tracker-error.js";
import { strictNock } from "../../helpers/bridge-http.js";
import { gitlabNormaliser, SUPPORT, SUPPORT_API } from "../../helpers/gitlab.js";

const GITLAB = "https://gitlab.test";
const labels = {
  priority: { "priority::low": "low", "priority::medium": "normal", "priority::high": "high" },
  line: { L2: 2 },
};
/** GitLab Free (said in options.tier): scoped labels are not exclusive, one assignee. */
const n = gitlabNormaliser({ labels, tier: "free" });
const adapter = createGitlabAdapter(n, gitlabApi("erecipe", GITLAB, "glpat-test", 2000), {
  projects: [SUPPORT],
  bridgeUser: "reglament-bot",
  webhookSecret: "s3cret",
});
const ref: TicketRef = { tracker: "gitlab", instance: "erecipe", project: SUPPORT, id: `${SUPPORT}#23` };

const restIssue = (over: Record<string, unknown> = {}) => ({
  id: 301,
  iid: 23,
  project_id: 14,
  title: "Не выписывается электронный рецепт",
  description: "Аптека сообщает об ошибке",
  state: "opened",
  labels: ["priority::low", "priority::high"],
  author: { id: 7, username: "pharmacy-desk", name: "Аптека" },
  assignees: [{ id: 51, username: "operator1", name: "Оператор" }],
  created_at: "2026-03-03T07:15:43.000Z",
  updated_at: "2026-03-03T07:15:43.000Z",
  web_url: `https://gitlab.test/${SUPPORT}/-/issues/23`,
  references: { short: "#23", relative: "#23", full: `${SUPPORT}#23` },
  ...over,
});

strictNock();

/** Drop the lower priority, move to line 2, explain: what the first two tests write and replay. */
const keepHighest: Action[] = [
  { type: "removeLabel", label: "priority::low" },
  { type: "setField", field: "line", value: 2 },
  { type: "comment", body: "Оставлена старшая метка.", public: true },
];

describe("GitLab write-back", () => {
  it("sends label changes in one PUT with comma-separated strings, and the note with its marker", async () => {
    nock(GITLAB, { reqheaders: { "private-token": "glpat-test" } })
      .get(`${SUPPORT_API}/issues/23`)
      .reply(200, restIssue())
      .put(`${SUPPORT_API}/issues/23`, { add_labels: "L2", remove_labels: "priority::low" })
      .reply(200, restIssue())
      .get(`${SUPPORT_API}/issues/23/notes`)
      .query({ sort: "desc", order_by: "created_at", per_page: "100", page: "1" })
      .reply(200, [])
      .post(
        `${SUPPORT_API}/issues/23/notes`,
        (b) => b.body === "Оставлена старшая метка.\n\n<!-- reglament:abc/2 -->" && b.internal === false,
      )
      .reply(201, { id: 1 });
    const result = await adapter.applyActions(ref, keepHighest, { marker: "reglament:abc" });
    expect(result.applied).toHaveLength(3);
    expect(result.skipped).toEqual([]);
  });

  it("a replayed job writes nothing already done: labels as wanted, the note's marker found", async () => {
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .reply(200, restIssue({ labels: ["priority::high", "L2"] }))
      .get(`${SUPPORT_API}/issues/23/notes`)
      .query(true)
      .reply(200, [
        {
          id: 9,
          body: "Оставлена старшая метка.\n\n<!-- reglament:abc/2 -->",
          author: { id: 99, username: "reglament-bot" },
          created_at: "2026-03-03T07:16:00.000Z",
          system: false,
        },
      ]);
    const result = await adapter.applyActions(ref, keepHighest, { marker: "reglament:abc" });
    expect(result.applied).toEqual([]);
    expect(result.skipped).toHaveLength(3);
  });

  it("sets a priority by adding its label and removing every sibling, scoped or not", async () => {
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .reply(200, restIssue())
      .put(`${SUPPORT_API}/issues/23`, {
        add_labels: "priority::medium",
        remove_labels: "priority::low,priority::high",
      })
      .reply(200, restIssue());
    const result = await adapter.applyActions(
      ref,
      [{ type: "setField", field: "priority", value: "normal" }],
      {
        marker: "m",
      },
    );
    expect(result.applied).toHaveLength(1);
  });

  it("assigns by username (looked up once), closes, and posts internal notes when asked", async () => {
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .reply(200, restIssue())
      .get("/api/v4/users")
      .query({ username: "infra-lead", per_page: "1", page: "1" })
      .reply(200, [{ id: 77, username: "infra-lead", name: "Инфраструктура" }])
      .put(`${SUPPORT_API}/issues/23`, { assignee_ids: [77], state_event: "close" })
      .reply(200, restIssue())
      .get(`${SUPPORT_API}/issues/23/notes`)
      .query(true)
      .reply(200, [])
      .post(`${SUPPORT_API}/issues/23/notes`, (b) => b.internal === true)
      .reply(201, { id: 2 });
    const result = await adapter.applyActions(
      ref,
      [
        { type: "assign", to: "infra-lead" },
        { type: "transition", status: "closed" },
        { type: "comment", body: "Для внутреннего обсуждения", public: false },
      ],
      { marker: "m" },
    );
    expect(result.applied).toHaveLength(3);
  });

  it("creates the linked issue with its labels in the other project and links it, once", async () => {
    const DEV = "/api/v4/projects/FHIR-BY%2Fehr.platform";
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .reply(200, restIssue())
      .get(`${SUPPORT_API}/issues/23/links`)
      .reply(200, [])
      .get(`${DEV}/issues`)
      .query({ search: "Доработка по задаче 23", in: "title", per_page: "20", page: "1" })
      .reply(200, [])
      .post(
        `${DEV}/issues`,
        (b) =>
          b.title === "Доработка по задаче 23" &&
          b.labels === "Priority: High" &&
          b.description === "См. поддержку\n\n<!-- m/0 -->",
      )
      .reply(201, { id: 900, iid: 5, project_id: 15, title: "Доработка по задаче 23", description: "x" })
      .post(`${SUPPORT_API}/issues/23/links`, {
        target_project_id: 15,
        target_issue_iid: 5,
        link_type: "relates_to",
      })
      .reply(201, {});
    const result = await adapter.applyActions(
      ref,
      [
        {
          type: "createLinked",
          project: "FHIR-BY/ehr.platform",
          title: "Доработка по задаче 23",
          description: "См. поддержку",
          labels: ["Priority: High"],
          link: "relates_to",
        },
      ],
      { marker: "m" },
    );
    expect(result.applied).toHaveLength(1);
  });

  it("refuses permanently what GitLab cannot hold, naming the mapping to fix", async () => {
    nock(GITLAB).get(`${SUPPORT_API}/issues/23`).times(2).reply(200, restIssue());
    await expect(
      adapter.applyActions(ref, [{ type: "setField", field: "priority", value: "immediate" }], {
        marker: "m",
      }),
    ).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/no label in options\.labels\.priority means "immediate"/),
    });
    await expect(
      adapter.applyActions(ref, [{ type: "transition", status: "feedback" }], { marker: "m" }),
    ).rejects.toMatchObject({ retryable: false, message: expect.stringMatching(/only opened .* or closed/) });
  });
});

describe("GitLab HTTP errors", () => {
  it("makes one attempt on 429 and reports Retry-After, leaving the retry to the pipeline", async () => {
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .reply(429, { message: "429 Too Many Requests" }, { "Retry-After": "2" });
    const err = await adapter.applyActions(ref, [], { marker: "m" }).catch((e) => e);
    expect(err).toBeInstanceOf(TrackerRequestError);
    expect(err).toMatchObject({ retryable: true, status: 429, retryAfterMs: 2000 });
  });

  it("makes one attempt on 502 (gitbeaker's own retry is off) and marks it retryable", async () => {
    nock(GITLAB).get(`${SUPPORT_API}/issues/23`).once().reply(502, "Bad Gateway");
    await expect(adapter.applyActions(ref, [], { marker: "m" })).rejects.toMatchObject({
      retryable: true,
      status: 502,
    });
  });

  it("maps 403 and 404 to permanent refusals carrying GitLab's message", async () => {
    nock(GITLAB).get(`${SUPPORT_API}/issues/23`).reply(404, { message: "404 Issue Not Found" });
    await expect(adapter.applyActions(ref, [], { marker: "m" })).rejects.toMatchObject({
      retryable: false,
      status: 404,
      message: expect.stringMatching(
        /GET \/projects\/FHIR-BY%2Fehr\.platform\.support\/issues\/23 failed with HTTP 404: 404 Issue Not Found/,
      ),
    });
  });

  it("treats a refused connection as retryable", async () => {
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .replyWithError({ code: "ECONNREFUSED", message: "connect ECONNREFUSED" });
    await expect(adapter.fetchTicket(ref)).rejects.toMatchObject({ retryable: true });
    nock.cleanAll();
  });
});
