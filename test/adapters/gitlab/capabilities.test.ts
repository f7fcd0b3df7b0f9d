import nock from "nock";
import { describe, expect, it } from "vitest";
import { createGitlabAdapter } from "../../../adapters/gitlab/adapter.js";
import { gitlabApi } from "../../../adapters/gitlab/client.js";
import type { PackNeed, TrackerNeed } from "../../../src/domain/tracker-needs.js";
import { strictNock } from "../../helpers/bridge-http.js";
import { erecipeOptions, gitlabNormaliser, SUPPORT, SUPPORT_API } from "../../helpers/gitlab.js";

const GITLAB = "https://gitlab.test";
/** The tier configured, so that only roles and hooks are read. */
const adapter = createGitlabAdapter(
  gitlabNormaliser({ ...erecipeOptions, tier: "free" }),
  gitlabApi("erecipe", GITLAB, "glpat-test", 2000),
  {
    projects: [SUPPORT],
    bridgeUser: "reglament-bot",
    reconcileIntervalSeconds: 60,
  },
);
const by = { pack: "e-recipe-by", rule: "r", section: "5.2" };
const needs = (...list: TrackerNeed[]) => new Map([[SUPPORT, list.map((n): PackNeed => ({ ...n, by }))]]);
const project = (projectAccess: number | null, groupAccess: number | null = null) => ({
  id: 14,
  path_with_namespace: SUPPORT,
  permissions: {
    project_access: projectAccess === null ? null : { access_level: projectAccess, notification_level: 3 },
    group_access: groupAccess === null ? null : { access_level: groupAccess, notification_level: 3 },
  },
});
const hook = (overrides: Record<string, unknown> = {}) => ({
  id: 7,
  url: "https://reglament.example.by/webhooks/erecipe",
  issues_events: true,
  confidential_issues_events: true,
  note_events: true,
  alert_status: "executable",
  disabled_until: null,
  ...overrides,
});
const api = () => nock(GITLAB, { reqheaders: { "private-token": "glpat-test" } });

strictNock();

describe("GitLab: what the bridge user's role and the project's hooks will refuse", () => {
  it("a Guest may comment but not label, assign or close; an enabled hook is fine", async () => {
    api().get(SUPPORT_API).reply(200, project(10)).get(`${SUPPORT_API}/hooks`).reply(200, [hook()]);
    const problems = await adapter.checkCapabilities!(
      needs(
        { kind: "comment" },
        { kind: "labels" },
        { kind: "assign" },
        { kind: "transition", status: "closed" },
      ),
    );
    expect(problems.map((p) => p.message)).toEqual([
      "labelling issues will be refused: the bridge's user has Guest (10) in FHIR-BY/ehr.platform.support, and GitLab lets Planner (15) or above do it; give the user that role (Project → Manage → Members)",
      expect.stringMatching(/^assigning issues will be refused/),
      expect.stringMatching(/^moving issues to closed \(closing or reopening\) will be refused/),
    ]);
  });

  it("the higher of project and group role counts, and a Reporter may do what a pack asks", async () => {
    api().get(SUPPORT_API).reply(200, project(10, 20)).get(`${SUPPORT_API}/hooks`).reply(200, [hook()]);
    expect(await adapter.checkCapabilities!(needs({ kind: "labels" }, { kind: "assign" }))).toEqual([]);
  });

  it("no hook to the bridge, a hook without comments, and a hook GitLab disabled are said", async () => {
    api()
      .get(SUPPORT_API)
      .reply(200, project(30))
      .get(`${SUPPORT_API}/hooks`)
      .reply(200, [hook({ url: "https://other.example/hook" })]);
    const [none] = await adapter.checkCapabilities!(needs({ kind: "comment" }));
    expect(none).toMatchObject({ severity: "hinders", setting: "project webhook" });
    expect(none?.message).toMatch(
      /no webhook of FHIR-BY\/ehr.platform.support sends to …\/webhooks\/erecipe, so the bridge sees changes only through reconciliation, every 60 s/,
    );

    api()
      .get(SUPPORT_API)
      .reply(200, project(30))
      .get(`${SUPPORT_API}/hooks`)
      .reply(200, [hook({ note_events: false, alert_status: "disabled" })]);
    const problems = await adapter.checkCapabilities!(needs({ kind: "comment" }));
    expect(problems.map((p) => p.setting)).toEqual(["project webhook triggers", "project webhook disabled"]);
    expect(problems[1]?.message).toMatch(/GitLab has disabled the webhook 7 .* after failed deliveries/);
  });

  it("hooks the token may not read (below Maintainer) are not checked", async () => {
    api()
      .get(SUPPORT_API)
      .reply(200, project(20))
      .get(`${SUPPORT_API}/hooks`)
      .reply(403, { message: "403 Forbidden" });
    expect(await adapter.checkCapabilities!(needs({ kind: "labels" }))).toEqual([]);
  });
});
