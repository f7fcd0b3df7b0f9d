import nock from "nock";
import { describe, expect, it } from "vitest";
import { createGitlabAdapter, gitlabAdapterFactory } from "../../../adapters/gitlab/adapter.js";
import { gitlabApi } from "../../../adapters/gitlab/client.js";
import type { TicketRef } from "../../../src/domain/ticket.js";
import { strictNock } from "../../helpers/bridge-http.js";
import {
  erecipeOptions,
  gitlabFixture,
  gitlabNormaliser,
  SUPPORT,
  SUPPORT_API,
} from "../../helpers/gitlab.js";

const GITLAB = "https://gitlab.test";
const NOW = Date.parse("2026-03-04T12:00:00Z");
const adapter = createGitlabAdapter(gitlabNormaliser(), gitlabApi("erecipe", GITLAB, "glpat-test", 2000), {
  projects: [SUPPORT],
  bridgeUser: "reglament-bot",
  now: () => NOW,
});
const ref: TicketRef = { tracker: "gitlab", instance: "erecipe", project: SUPPORT, id: `${SUPPORT}#23` };
const user = (id: number, username: string) => ({ id, username, name: username });
const restIssue = (iid: number, updated: string) => ({
  id: 300 + iid,
  iid,
  project_id: 14,
  title: `Задача ${iid}`,
  description: null,
  state: "opened",
  labels: ["Priority: Medium", "L2"],
  author: user(7, "pharmacy-desk"),
  assignees: [user(51, "operator1")],
  created_at: "2026-03-03T07:15:43.000Z",
  updated_at: updated,
  web_url: `https://gitlab.test/${SUPPORT}/-/issues/${iid}`,
  references: { full: `${SUPPORT}#${iid}` },
});

strictNock();

describe("GitLab fresh state", () => {
  it("fetches an issue with its notes (system notes left out) and label events as history", async () => {
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .reply(200, restIssue(23, "2026-03-03T09:00:00.000Z"))
      .get(`${SUPPORT_API}/issues/23/notes`)
      .query({ sort: "asc", order_by: "created_at", per_page: "100" })
      .reply(200, [
        {
          id: 1,
          body: "added ~L2 label",
          author: user(51, "operator1"),
          created_at: "2026-03-03T08:00:00.000Z",
          system: true,
        },
        {
          id: 2,
          body: "Передано на L2",
          author: user(51, "operator1"),
          created_at: "2026-03-03T08:00:01.000Z",
          system: false,
          internal: true,
        },
      ])
      .get(`${SUPPORT_API}/issues/23/resource_label_events`)
      .query({ per_page: "100" })
      .reply(200, [
        {
          id: 5,
          user: user(51, "operator1"),
          created_at: "2026-03-03T08:00:00.000Z",
          resource_type: "Issue",
          resource_id: 323,
          label: { id: 3, name: "L2", color: "#000", description: null },
          action: "add",
        },
      ]);
    const ticket = await adapter.fetchTicket(ref);
    expect(ticket).toMatchObject({
      ref: { id: `${SUPPORT}#23`, project: SUPPORT, url: `https://gitlab.test/${SUPPORT}/-/issues/23` },
      priority: { value: "normal", native: "Priority: Medium" },
      line: 2,
      reporter: { id: "pharmacy-desk" },
      assignee: { id: "operator1" },
      status: { value: "opened", native: "opened" },
    });
    expect(ticket.comments).toEqual([
      {
        id: "2",
        author: { id: "operator1", name: "operator1" },
        body: "Передано на L2",
        public: false,
        createdAt: "2026-03-03T08:00:01.000Z",
      },
    ]);
    expect(ticket.history).toEqual([
      {
        field: "labels",
        to: "L2",
        by: { id: "operator1", name: "operator1" },
        at: "2026-03-03T08:00:00.000Z",
      },
    ]);
  });
});

describe("GitLab access check at start-up", () => {
  it("passes for a visible project and stops the start naming a project GitLab does not show", async () => {
    nock(GITLAB)
      .get(SUPPORT_API)
      .reply(200, {
        id: 14,
        path_with_namespace: SUPPORT,
        permissions: { project_access: { access_level: 20 }, group_access: null },
      });
    await expect(adapter.verifyAccess()).resolves.toBeUndefined();
    nock(GITLAB).get(SUPPORT_API).reply(404, { message: "404 Project Not Found" });
    await expect(adapter.verifyAccess()).rejects.toMatchObject({
      code: "REG_TRACKER_ACCESS_DENIED",
      message: expect.stringMatching(
        /project "FHIR-BY\/ehr\.platform\.support" does not exist .*404 Project Not Found/,
      ),
    });
  });
});

describe("GitLab reconciliation listing", () => {
  const list = (query: Record<string, string>, issues: unknown[]) =>
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues`)
      .query({ order_by: "updated_at", sort: "asc", per_page: "2", ...query })
      .reply(200, issues);
  const paged = createGitlabAdapter(
    gitlabNormaliser({ ...erecipeOptions, pageSize: 2, backfillHours: 24 }),
    gitlabApi("erecipe", GITLAB, "glpat-test", 2000),
    { projects: [SUPPORT], bridgeUser: "reglament-bot", now: () => NOW },
  );

  it("starts at the backfill window, pages by updated_after, and ends when a page repeats", async () => {
    list({ updated_after: "2026-03-03T12:00:00.000Z", page: "1" }, [
      restIssue(1, "2026-03-03T13:00:00.000Z"),
      restIssue(2, "2026-03-03T14:00:00.000Z"),
    ]);
    const first = await paged.listUpdatedSince(undefined);
    expect(first.tickets.map((t) => [t.ref.id, t.updatedAt])).toEqual([
      [`${SUPPORT}#1`, "2026-03-03T13:00:00.000Z"],
      [`${SUPPORT}#2`, "2026-03-03T14:00:00.000Z"],
    ]);
    list({ updated_after: "2026-03-03T14:00:00.000Z", page: "1" }, [
      restIssue(2, "2026-03-03T14:00:00.000Z"),
    ]);
    const second = await paged.listUpdatedSince(first.cursor);
    expect(second.tickets.map((t) => t.ref.id)).toEqual([`${SUPPORT}#2`]);
    expect(JSON.parse(second.cursor)).toEqual({ [SUPPORT]: { since: "2026-03-03T14:00:00.000Z", page: 1 } });
    expect(second.cursor).toBe(first.cursor);
  });

  it("moves on by page when a whole page shares one timestamp", async () => {
    const at = "2026-03-03T14:00:00.000Z";
    const cursor = JSON.stringify({ [SUPPORT]: { since: at, page: 1 } });
    list({ updated_after: at, page: "1" }, [restIssue(3, at), restIssue(4, at)]);
    const next = await paged.listUpdatedSince(cursor);
    expect(JSON.parse(next.cursor)).toEqual({ [SUPPORT]: { since: at, page: 2 } });
  });
});

describe("GitLab native reading (reglament check --from gitlab)", () => {
  it("reads an Issue Hook with the configured mapping, and a Note Hook with users known by id", () => {
    const open = gitlabAdapterFactory.readNative(
      gitlabFixture("issue-hook-open-two-priorities.json"),
      "x",
      erecipeOptions,
    );
    expect(open.change.kind).toBe("created");
    expect(open.ticket.priority).toEqual({ value: "high", native: "Priority: High" });
    const note = gitlabAdapterFactory.readNative(gitlabFixture("note-hook-issue.json"), "x", {});
    expect(note.change.kind).toBe("commented");
    expect(note.ticket.reporter.id).toBe("user-id-7");
    expect(note.ticket.status.value).toBe("closed");
  });

  it("says what it expected when the JSON is not a hook body", () => {
    expect(() => gitlabAdapterFactory.readNative({ id: 1 }, "x", {})).toThrow(
      /object_kind is undefined; expected an Issue Hook \("issue", "work_item"\) or a Note Hook \("note"\) body/,
    );
    expect(() => gitlabAdapterFactory.readNative({ object_kind: "issue" }, "x", {})).toThrow(
      /GitLab Issue Hook payload is not valid/,
    );
  });
});

describe("GitLab: the audit's listing of a window", () => {
  it("pages through updated_after/updated_before, ascending, until a short page", async () => {
    const paged = createGitlabAdapter(
      gitlabNormaliser({ ...erecipeOptions, pageSize: 2 }),
      gitlabApi("erecipe", GITLAB, "glpat-test", 2000),
      { projects: [SUPPORT], bridgeUser: "reglament-bot", baseUrl: GITLAB },
    );
    const window = (page: number) => ({
      updated_after: "2026-03-01T00:00:00.000Z",
      updated_before: "2026-04-01T00:00:00.000Z",
      order_by: "updated_at",
      sort: "asc",
      per_page: "2",
      page: String(page),
    });
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues`)
      .query(window(1))
      .reply(200, [restIssue(1, "2026-03-02T00:00:00.000Z"), restIssue(2, "2026-03-03T00:00:00.000Z")])
      .get(`${SUPPORT_API}/issues`)
      .query(window(2))
      .reply(200, [restIssue(3, "2026-03-04T00:00:00.000Z")]);
    const pages: string[][] = [];
    for await (const page of paged.listUpdated({
      since: "2026-03-01T00:00:00.000Z",
      until: "2026-04-01T00:00:00.000Z",
    }))
      pages.push(page.map((t) => t.ref.id));
    expect(pages).toEqual([[`${SUPPORT}#1`, `${SUPPORT}#2`], [`${SUPPORT}#3`]]);
    expect(paged.refFromUrl(`${GITLAB}/${SUPPORT}/-/issues/23`)).toEqual({
      tracker: "gitlab",
      instance: "erecipe",
      project: SUPPORT,
      id: `${SUPPORT}#23`,
    });
  });
});

describe("GitLab: a project's open issues, for the duplicates rule", () => {
  it("asks for the opened issues, latest updated first, one bounded page", async () => {
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues`)
      .query({ state: "opened", order_by: "updated_at", sort: "desc", per_page: "100", page: "1" })
      .reply(200, [restIssue(5, "2026-03-04T00:00:00.000Z"), restIssue(4, "2026-03-03T00:00:00.000Z")]);
    const open = await adapter.listOpen!(SUPPORT, 200);
    expect(open.map((t) => [t.ref.id, t.title, t.reporter.id])).toEqual([
      [`${SUPPORT}#5`, "Задача 5", "pharmacy-desk"],
      [`${SUPPORT}#4`, "Задача 4", "pharmacy-desk"],
    ]);
  });
});

describe("GitLab: an issue's linked issues", () => {
  it("reads them with their project and labels", async () => {
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23/links`)
      .reply(200, [
        {
          id: 900,
          iid: 310,
          project_id: 20,
          title: "Выгрузка в CSV",
          labels: ["Priority: Medium"],
          web_url: "https://gitlab.test/FHIR-BY/ehr.platform/-/issues/310",
          references: { full: "FHIR-BY/ehr.platform#310" },
          link_type: "relates_to",
        },
      ]);
    expect(await adapter.listLinks!(ref)).toEqual([
      {
        project: "FHIR-BY/ehr.platform",
        id: "FHIR-BY/ehr.platform#310",
        title: "Выгрузка в CSV",
        labels: ["Priority: Medium"],
        url: "https://gitlab.test/FHIR-BY/ehr.platform/-/issues/310",
      },
    ]);
  });
});
