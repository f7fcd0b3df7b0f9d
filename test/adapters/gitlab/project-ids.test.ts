import nock from "nock";
import { describe, expect, it } from "vitest";
import { createGitlabAdapter } from "../../../adapters/gitlab/adapter.js";
import { gitlabApi } from "../../../adapters/gitlab/client.js";
import type { TicketRef } from "../../../src/domain/ticket.js";
import { strictNock } from "../../helpers/bridge-http.js";
import {
  erecipeOptions,
  gitlabDelivery,
  gitlabFixture,
  gitlabNormaliser,
  type HookJson,
  SUPPORT,
  SUPPORT_API,
} from "../../helpers/gitlab.js";
import { capturingLogger } from "../../helpers/logger.js";

/**
 * GitLab names projects by number where the bridge names tickets by path: issue links
 * carry `project_id` only, and a renamed or moved project keeps its number but not its path.
 */
const GITLAB = "https://gitlab.test";
const make = (logger = capturingLogger().logger) =>
  createGitlabAdapter(
    gitlabNormaliser({ ...erecipeOptions, tier: "free" }),
    gitlabApi("erecipe", GITLAB, "glpat-test", 2000),
    { projects: [SUPPORT], bridgeUser: "reglament-bot", webhookSecret: "s3cret", baseUrl: GITLAB, logger },
  );
const ref: TicketRef = { tracker: "gitlab", instance: "erecipe", project: SUPPORT, id: `${SUPPORT}#23` };
/** A linked issue as `GET …/links` documents it: no `references`, the project by number. */
const link = (iid: number, projectId: number, webUrl?: string) => ({
  id: 900 + iid,
  iid,
  issue_link_id: iid,
  project_id: projectId,
  title: `Задача ${iid}`,
  state: "opened",
  labels: ["Priority: Medium"],
  link_type: "relates_to",
  ...(webUrl ? { web_url: webUrl } : {}),
});
const project = (id: number, path: string) => ({
  id,
  path_with_namespace: path,
  permissions: { project_access: { access_level: 20 }, group_access: null },
});

strictNock();

describe("GitLab issue links name projects by number", () => {
  it("each link gets its project's path: known, from web_url, or read once from GET /projects/:id", async () => {
    const adapter = make();
    nock(GITLAB)
      .get(SUPPORT_API)
      .reply(200, project(14, SUPPORT))
      .get(`${SUPPORT_API}/issues/23/links`)
      .times(2)
      .reply(200, [
        link(1, 14),
        link(2, 20, `${GITLAB}/FHIR-BY/ehr.platform/-/issues/2`),
        link(3, 21, "https://elsewhere.example/x/issues/3"),
      ])
      .get("/api/v4/projects/21")
      .once()
      .reply(200, project(21, "FHIR-BY/registry"));
    await adapter.verifyAccess();
    const expected = [
      [SUPPORT, `${SUPPORT}#1`],
      ["FHIR-BY/ehr.platform", "FHIR-BY/ehr.platform#2"],
      ["FHIR-BY/registry", "FHIR-BY/registry#3"],
    ];
    const read = async () => (await adapter.listLinks!(ref)).map((l) => [l.project, l.id]);
    expect(await read()).toEqual(expected);
    expect(await read()).toEqual(expected);
  });

  it("a project the bridge's user may not see keeps its number", async () => {
    nock(GITLAB)
      .get(`${SUPPORT_API}/issues/23/links`)
      .reply(200, [link(4, 33)])
      .get("/api/v4/projects/33")
      .reply(404, { message: "404 Project Not Found" });
    expect(await make().listLinks!(ref)).toMatchObject([{ project: "33", id: "33#4" }]);
  });
});

describe("a configured project renamed or moved while the bridge runs", () => {
  const renamed = "FHIR-BY/support";
  const hookFrom = (path: string) => {
    const hook = gitlabFixture<HookJson>("issue-hook-open-two-priorities.json");
    hook.project.path_with_namespace = path;
    return gitlabDelivery(hook, "Issue Hook", { "idempotency-key": `k-${path}` });
  };

  it("stays bound to its pack by its number, and the log says once what changes and what to do", async () => {
    const { logger, lines } = capturingLogger();
    const adapter = make(logger);
    nock(GITLAB).get(SUPPORT_API).reply(200, project(14, SUPPORT));
    await adapter.verifyAccess();

    const before = adapter.parseWebhook(hookFrom(SUPPORT));
    const after = adapter.parseWebhook(hookFrom(renamed));
    adapter.parseWebhook(hookFrom(renamed));
    if (!before.handled || !after.handled) throw new Error("not handled");
    expect(before.events[0]!.ref).toMatchObject({ project: SUPPORT, id: `${SUPPORT}#23` });
    // The ticket id follows GitLab's path; the config key does not.
    expect(after.events[0]!.ref).toMatchObject({ project: SUPPORT, id: `${renamed}#23` });
    const warned = lines.filter((l) => l.level === 40);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ project: SUPPORT, gitlabProjectId: 14, from: SUPPORT, to: renamed });
    expect(warned[0]!.msg).toMatch(
      /is now FHIR-BY\/support: renamed or moved .* ids change from "FHIR-BY\/ehr\.platform\.support#<iid>" to "FHIR-BY\/support#<iid>".* Rename the key to "FHIR-BY\/support" \(or use the numeric id 14\)/,
    );
  });

  it("renamed before the start: GitLab answers the old path (a redirect) with the new one, said at start-up", async () => {
    const { logger, lines } = capturingLogger();
    nock(GITLAB).get(SUPPORT_API).reply(200, project(14, renamed));
    await make(logger).verifyAccess();
    expect(lines.filter((l) => l.level === 40).map((l) => l.to)).toEqual([renamed]);
  });
});
