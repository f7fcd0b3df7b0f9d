import nock from "nock";
import { describe, expect, it } from "vitest";
import { createGitlabAdapter } from "../../../adapters/gitlab/adapter.js";
import { gitlabApi } from "../../../adapters/gitlab/client.js";
import type { PackNeed } from "../../../src/domain/tracker-needs.js";
import { strictNock } from "../../helpers/bridge-http.js";
import { erecipeOptions, gitlabNormaliser, SUPPORT, SUPPORT_API } from "../../helpers/gitlab.js";

/**
 * A token that is not a member of a public or internal project: GitLab shows it the
 * project with `permissions` both null (as it does an administrator's), and refuses its
 * writes with 403. The start-up check asks the membership itself (`GET /user`, then
 * `GET /projects/:id/members/all/:user_id`, inherited and invited memberships included).
 */
const GITLAB = "https://gitlab.test";
const adapter = () =>
  createGitlabAdapter(
    gitlabNormaliser({ ...erecipeOptions, tier: "free" }),
    gitlabApi("erecipe", GITLAB, "glpat-test", 2000),
    { projects: [SUPPORT], bridgeUser: "reglament-bot" },
  );
const publicProject = {
  id: 14,
  path_with_namespace: SUPPORT,
  visibility: "public",
  permissions: { project_access: null, group_access: null },
};
const bot = { id: 99, username: "reglament-bot", name: "Reglament" };
const api = () => nock(GITLAB, { reqheaders: { "private-token": "glpat-test" } });

strictNock();

describe("GitLab start-up: the bridge's user must be a member of each project", () => {
  it("a token with no membership of a public project stops the start, naming the project and the fix", async () => {
    api()
      .get(SUPPORT_API)
      .reply(200, publicProject)
      .get("/api/v4/user")
      .reply(200, bot)
      .get(`${SUPPORT_API}/members/all/99`)
      .reply(404, { message: "404 Not found" });
    await expect(adapter().verifyAccess()).rejects.toMatchObject({
      code: "REG_TRACKER_ACCESS_DENIED",
      message: expect.stringMatching(
        /the bridge's user "reglament-bot" is not a member of project "FHIR-BY\/ehr\.platform\.support" .*public project.*\(403\).*Project → Manage → Members/,
      ),
    });
  });

  it("a membership inherited from a group or an invited group passes; so does an administrator's token", async () => {
    api()
      .get(SUPPORT_API)
      .reply(200, publicProject)
      .get("/api/v4/user")
      .reply(200, bot)
      .get(`${SUPPORT_API}/members/all/99`)
      .reply(200, { ...bot, access_level: 20 });
    await expect(adapter().verifyAccess()).resolves.toBeUndefined();

    api()
      .get(SUPPORT_API)
      .reply(200, publicProject)
      .get("/api/v4/user")
      .reply(200, { ...bot, is_admin: true });
    await expect(adapter().verifyAccess()).resolves.toBeUndefined();
  });

  it("the capability check reads the inherited role instead of skipping every check", async () => {
    const by = { pack: "e-recipe-by", rule: "r", section: "5.2" };
    api()
      .get(SUPPORT_API)
      .reply(200, publicProject)
      .get("/api/v4/user")
      .reply(200, bot)
      .get(`${SUPPORT_API}/members/all/99`)
      .reply(200, { ...bot, access_level: 10 })
      .get(`${SUPPORT_API}/hooks`)
      .reply(403, { message: "403 Forbidden" });
    const problems = await adapter().checkCapabilities!(
      new Map([[SUPPORT, [{ kind: "labels", by } as PackNeed]]]),
    );
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^labelling issues will be refused: the bridge's user has Guest \(10\)/),
    ]);
  });
});
