import nock from "nock";
import { describe, expect, it } from "vitest";
import { createGitlabAdapter } from "../../../adapters/gitlab/adapter.js";
import { gitlabApi } from "../../../adapters/gitlab/client.js";
import type { Action } from "../../../src/domain/action.js";
import type { TicketRef } from "../../../src/domain/ticket.js";
import type { PackNeed } from "../../../src/domain/tracker-needs.js";
import { strictNock } from "../../helpers/bridge-http.js";
import { gitlabNormaliser, SUPPORT, SUPPORT_API } from "../../helpers/gitlab.js";
import { capturingLogger } from "../../helpers/logger.js";

/**
 * GitLab Premium against Free: scoped labels exclusive (GitLab removes the other label of
 * the scope itself, keeping the one added last), several assignees, blocking links.
 */
const GITLAB = "https://gitlab.test";
const labels = {
  priority: {
    "priority::low": "low",
    "priority::medium": "normal",
    "priority::high": "high",
    "Priority: Urgent": "urgent",
  },
};
const adapterFor = (options: Record<string, unknown>, logger = capturingLogger().logger) =>
  createGitlabAdapter(
    gitlabNormaliser({ labels, ...options }),
    gitlabApi("erecipe", GITLAB, "glpat-test", 2000),
    {
      projects: [SUPPORT],
      bridgeUser: "reglament-bot",
      logger,
    },
  );
const ref: TicketRef = { tracker: "gitlab", instance: "erecipe", project: SUPPORT, id: `${SUPPORT}#23` };
const user = (id: number, username: string) => ({ id, username, name: username });
const issue = (over: Record<string, unknown> = {}) => ({
  id: 301,
  iid: 23,
  project_id: 14,
  title: "Не выписывается электронный рецепт",
  state: "opened",
  labels: ["priority::low"],
  author: user(7, "pharmacy-desk"),
  assignees: [user(51, "operator1")],
  created_at: "2026-03-03T07:15:43.000Z",
  updated_at: "2026-03-03T07:15:43.000Z",
  references: { full: `${SUPPORT}#23` },
  ...over,
});
const project = (over: Record<string, unknown> = {}) => ({
  id: 14,
  path_with_namespace: SUPPORT,
  permissions: { project_access: { access_level: 30 }, group_access: null },
  ...over,
});
const setPriority = (value: string): Action[] => [{ type: "setField", field: "priority", value }];

strictNock();

describe("GitLab tier: read at start-up, or as configured", () => {
  const by = { pack: "e-recipe-by", rule: "r", section: "1" };
  const needs = new Map([[SUPPORT, [{ kind: "comment", by } as PackNeed]]]);

  it("Premium where GET /projects/:id shows approvals_before_merge; said in the log", async () => {
    const { logger, lines } = capturingLogger();
    nock(GITLAB)
      .get(SUPPORT_API)
      .reply(200, project({ approvals_before_merge: 0 }))
      .get(`${SUPPORT_API}/hooks`)
      .reply(403, {});
    await adapterFor({}, logger).checkCapabilities!(needs);
    expect(lines.map((l) => l.msg)).toEqual([
      expect.stringMatching(
        /^GitLab project FHIR-BY\/ehr\.platform\.support: Premium features .* read from GET \/projects\/:id shows approvals_before_merge/,
      ),
    ]);
  });

  it("else by an issue's weight; Free when neither is shown; options.tier is taken as said", async () => {
    const tierOf = async (issueOver: Record<string, unknown> | undefined, options = {}) => {
      const { logger, lines } = capturingLogger();
      const scope = nock(GITLAB).get(SUPPORT_API).reply(200, project());
      if (issueOver)
        scope
          .get(`${SUPPORT_API}/issues`)
          .query({ per_page: "1", page: "1" })
          .reply(200, [issue(issueOver)]);
      scope.get(`${SUPPORT_API}/hooks`).reply(403, {});
      await adapterFor(options, logger).checkCapabilities!(needs);
      return lines[0]?.tier;
    };
    expect(await tierOf({ weight: null })).toBe("premium");
    expect(await tierOf({})).toBe("free");
    expect(await tierOf(undefined, { tier: "premium" })).toBe("premium");
  });
});

describe("GitLab Premium: scoped labels are exclusive", () => {
  it("setting a priority adds its scoped label and leaves the other of the scope to GitLab", async () => {
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .reply(200, issue({ labels: ["priority::low", "Priority: Urgent"] }))
      // priority::low is not named: GitLab removes it when priority::medium is added.
      .put(`${SUPPORT_API}/issues/23`, { add_labels: "priority::medium", remove_labels: "Priority: Urgent" })
      .reply(200, issue());
    const result = await adapterFor({ tier: "premium" }).applyActions(ref, setPriority("normal"), {
      marker: "m",
    });
    expect(result.applied).toHaveLength(1);
  });

  it("when the wanted label is already there (two of a scope from before the upgrade), the other is removed", async () => {
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .reply(200, issue({ labels: ["priority::low", "priority::high"] }))
      .put(`${SUPPORT_API}/issues/23`, { remove_labels: "priority::low" })
      .reply(200, issue());
    await adapterFor({ tier: "premium" }).applyActions(ref, setPriority("high"), { marker: "m" });
  });

  it("on Free the other label of the scope is removed by the bridge", async () => {
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .reply(200, issue())
      .put(`${SUPPORT_API}/issues/23`, { add_labels: "priority::medium", remove_labels: "priority::low" })
      .reply(200, issue());
    await adapterFor({ tier: "free" }).applyActions(ref, setPriority("normal"), { marker: "m" });
  });
});

describe("GitLab Premium: several assignees", () => {
  const assign: Action[] = [{ type: "assign", to: "infra-lead" }];
  const lookUp = () =>
    nock(GITLAB)
      .get("/api/v4/users")
      .query({ username: "infra-lead", per_page: "1", page: "1" })
      .reply(200, [user(77, "infra-lead")]);

  it("assigning adds the person and keeps the co-assignees (assignee_ids replaces the whole list)", async () => {
    lookUp();
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .reply(200, issue({ assignees: [user(51, "operator1"), user(52, "operator2")] }))
      .put(`${SUPPORT_API}/issues/23`, { assignee_ids: [77, 51, 52] })
      .reply(200, issue());
    const result = await adapterFor({ tier: "premium" }).applyActions(ref, assign, { marker: "m" });
    expect(result.applied).toEqual(assign);
  });

  it("a person already among the assignees is left as is: nothing written", async () => {
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .reply(200, issue({ assignees: [user(51, "operator1"), user(77, "infra-lead")] }));
    const result = await adapterFor({ tier: "premium" }).applyActions(ref, assign, { marker: "m" });
    expect(result.skipped).toEqual(assign);
  });

  it("on Free the person replaces the one assignee", async () => {
    lookUp();
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .reply(200, issue())
      .put(`${SUPPORT_API}/issues/23`, { assignee_ids: [77] })
      .reply(200, issue());
    await adapterFor({ tier: "free" }).applyActions(ref, assign, { marker: "m" });
  });

  it("with the tier not known yet, it is read from GitLab once, when it first matters", async () => {
    lookUp();
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .times(2)
      .reply(200, issue())
      .get(SUPPORT_API)
      .once()
      .reply(200, project({ approvals_before_merge: 0 }))
      .put(`${SUPPORT_API}/issues/23`, { assignee_ids: [77, 51] })
      .times(2)
      .reply(200, issue());
    const adapter = adapterFor({});
    await adapter.applyActions(ref, assign, { marker: "m" });
    await adapter.applyActions(ref, assign, { marker: "m" });
  });
});

describe("GitLab blocking links", () => {
  const DEV = "/api/v4/projects/FHIR-BY%2Fehr.platform";
  const createLinked: Action[] = [
    {
      type: "createLinked",
      project: "FHIR-BY/ehr.platform",
      title: "Доработка",
      description: "См.",
      labels: [],
      link: "blocks",
    },
  ];
  const created = (linkType: string) =>
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23`)
      .reply(200, issue())
      .get(`${SUPPORT_API}/issues/23/links`)
      .reply(200, [])
      .get(`${DEV}/issues`)
      .query(true)
      .reply(200, [])
      .post(`${DEV}/issues`)
      .reply(201, { id: 900, iid: 5, project_id: 15, title: "Доработка", description: "x" })
      .post(`${SUPPORT_API}/issues/23/links`, {
        target_project_id: 15,
        target_issue_iid: 5,
        link_type: linkType,
      })
      .reply(201, {});

  it("are made on Premium", async () => {
    created("blocks");
    await adapterFor({ tier: "premium" }).applyActions(ref, createLinked, { marker: "m" });
  });

  it("are not used on Free (403 there): the new issue is linked as relates_to", async () => {
    created("relates_to");
    const result = await adapterFor({ tier: "free" }).applyActions(ref, createLinked, { marker: "m" });
    expect(result.applied).toHaveLength(1);
  });
});
