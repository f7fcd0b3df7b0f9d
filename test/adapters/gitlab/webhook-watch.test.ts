import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createGitlabAdapter } from "../../../adapters/gitlab/adapter.js";
import { gitlabApi } from "../../../adapters/gitlab/client.js";
import { connectRedis } from "../../../src/redis/connection.js";
import { type RunningBridge, startBridge } from "../../../src/runtime/serve.js";
import { TrackerHealth } from "../../../src/runtime/tracker-health.js";
import { testToken } from "../../helpers/auth.js";
import { testBridgeConfig, until } from "../../helpers/bridge-http.js";
import { consoleCookie } from "../../helpers/console-session.js";
import {
  erecipeOptions,
  gitlabDelivery,
  gitlabFixture,
  gitlabNormaliser,
  type HookJson,
  SUPPORT,
  SUPPORT_API,
} from "../../helpers/gitlab.js";
import { capturingLogger, silentLogger } from "../../helpers/logger.js";
import { deleteKeysOf, testRedisUrl } from "../../helpers/redis.js";

/**
 * GitLab pauses a project hook after 4 failed deliveries and disables it after 40; the
 * start-up check saw it enabled. Reconciliation looks again every few minutes, and at once
 * when it lists a change no webhook announced.
 */
const GITLAB = "https://gitlab.test";
const ALERTS = "https://alerts.test";
// The shared DB, under a key prefix of this file's own, emptied of it after each test.
const redisUrl = testRedisUrl(2);
const prefix = `glwatch${process.pid}`;
const START = Date.parse("2026-03-04T12:00:00Z");
const hook = (alert_status: string, disabled_until: string | null = null) => ({
  id: 7,
  url: "https://reglament.example.by/webhooks/erecipe",
  issues_events: true,
  note_events: true,
  alert_status,
  disabled_until,
});
const restIssue = (iid: number, updated: string) => ({
  id: 300 + iid,
  iid,
  project_id: 14,
  title: `Задача ${iid}`,
  description: null,
  state: "opened",
  labels: ["Priority: Medium"],
  author: { id: 7, username: "pharmacy-desk" },
  assignees: [],
  created_at: "2026-03-03T07:15:43.000Z",
  updated_at: updated,
  references: { full: `${SUPPORT}#${iid}` },
});
const listing = () => nock(GITLAB).get(`${SUPPORT_API}/issues`).query(true);

function watched() {
  let now = START;
  const adapter = createGitlabAdapter(
    gitlabNormaliser({ ...erecipeOptions, tier: "free" }),
    gitlabApi("erecipe", GITLAB, "glpat-test", 2000),
    {
      projects: [SUPPORT],
      bridgeUser: "reglament-bot",
      webhookSecret: "s3cret",
      reconcileIntervalSeconds: 60,
      now: () => now,
    },
  );
  const { logger, lines } = capturingLogger();
  const health = new TrackerHealth(logger, () => now);
  const observed = health.observe(new Map([["erecipe", adapter]]), { erecipe: {} }).get("erecipe")!;
  const at = (minutes: number) => new Date(START + minutes * 60_000).toISOString();
  return {
    adapter: observed,
    health,
    lines,
    at,
    advance: (minutes: number) => {
      now += minutes * 60_000;
    },
    /** What /readyz shows for the webhooks. */
    readyz: async () => {
      const check = health.readiness().find((c) => c.name === "trackers.erecipe.webhooks")!;
      return (await check.check()) ? "ok" : check.explain?.();
    },
  };
}

describe("GitLab webhooks watched by reconciliation", () => {
  afterEach(() => nock.cleanAll());

  it("a change no webhook announced makes it look at once; it finds the hook disabled, and health says so", async () => {
    const t = watched();
    expect(await t.adapter.checkWebhooks!()).toBeUndefined(); // the start-up check just looked
    t.advance(2);
    listing().reply(200, [restIssue(23, t.at(1))]);
    await t.adapter.listUpdatedSince(undefined);
    const hooks = nock(GITLAB)
      .get(`${SUPPORT_API}/hooks`)
      .reply(200, [hook("disabled")]);
    const problems = await t.adapter.checkWebhooks!();
    expect(hooks.isDone()).toBe(true);
    expect(problems).toEqual([
      {
        project: SUPPORT,
        hook: "7",
        state: "disabled",
        message: expect.stringMatching(
          /^GitLab has disabled the webhook 7 of FHIR-BY\/ehr\.platform\.support to …\/webhooks\/erecipe after failed deliveries .* every 60 s; .*Settings → Webhooks → the hook's Test → Issue events, or POST \/projects\/:id\/hooks\/7\/test\/issues_events$/,
        ),
      },
    ]);
    expect(t.health.statuses()[0]).toMatchObject({
      webhook: expect.stringMatching(/disabled the webhook 7/),
    });
    expect(await t.readyz()).toMatch(
      /^since 2026-03-04T12:02:00\.000Z: FHIR-BY\/ehr\.platform\.support: GitLab has disabled/,
    );
    // Not again before a reconciliation interval has passed.
    expect(await t.adapter.checkWebhooks!()).toBeUndefined();
  });

  it("changes the webhooks announced cost no look; the periodic look comes after webhookCheckMinutes", async () => {
    const t = watched();
    t.advance(1);
    const body = gitlabFixture<HookJson>("issue-hook-open-two-priorities.json");
    t.adapter.parseWebhook(gitlabDelivery(body, "Issue Hook", { "idempotency-key": "k1" }));
    t.advance(1);
    listing().reply(200, [restIssue(23, t.at(0.9))]);
    await t.adapter.listUpdatedSince(undefined);
    expect(await t.adapter.checkWebhooks!()).toBeUndefined();

    t.advance(13);
    nock(GITLAB)
      .get(`${SUPPORT_API}/hooks`)
      .reply(200, [hook("temporarily_disabled", t.at(20))]);
    const [paused] = (await t.adapter.checkWebhooks!())!;
    expect(paused).toMatchObject({ state: "paused", until: t.at(20) });
    expect(paused!.message).toMatch(/paused until 2026-03-04T12:20:00.000Z \(it retries then; 40 failures/);

    t.advance(15);
    nock(GITLAB)
      .get(`${SUPPORT_API}/hooks`)
      .reply(200, [hook("executable")]);
    expect(await t.adapter.checkWebhooks!()).toEqual([]);
    expect(await t.readyz()).toBe("ok");
    expect(t.lines.map((l) => l.msg)).toContain("tracker erecipe delivers its webhooks to the bridge again");
  });

  it("a change listed before its webhook had time to come is judged at the next reconciliation", async () => {
    const t = watched();
    t.advance(2);
    listing().reply(200, [restIssue(23, t.at(1.95))]);
    await t.adapter.listUpdatedSince(undefined);
    expect(await t.adapter.checkWebhooks!()).toBeUndefined();
    t.advance(1);
    nock(GITLAB)
      .get(`${SUPPORT_API}/hooks`)
      .reply(200, [hook("executable")]);
    expect(await t.adapter.checkWebhooks!()).toEqual([]);
  });
});

describe("a running bridge whose GitLab webhook is disabled while it runs", () => {
  let bridge: RunningBridge | undefined;
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(async () => {
    await bridge?.shutdown.run("test end");
    bridge = undefined;
    nock.cleanAll();
    const redis = await connectRedis(redisUrl);
    await deleteKeysOf(redis, prefix);
    redis.disconnect();
  });
  afterAll(() => nock.enableNetConnect());

  it("notices it within a reconciliation interval: one alert, /readyz and the console's health page say so", async () => {
    const project = {
      id: 14,
      path_with_namespace: SUPPORT,
      permissions: { project_access: { access_level: 40 }, group_access: null },
    };
    let disabled = false;
    const gitlab = nock(GITLAB).persist();
    gitlab.get(SUPPORT_API).reply(200, project);
    gitlab.get(`${SUPPORT_API}/hooks`).reply(() => [200, [hook(disabled ? "disabled" : "executable")]]);
    // Reconciliation lists a change two minutes old that no webhook announced.
    const changed = restIssue(23, new Date(Date.now() - 120_000).toISOString());
    gitlab.get(`${SUPPORT_API}/issues`).query(true).reply(200, [changed]);
    gitlab.get(`${SUPPORT_API}/issues/23`).reply(200, changed);
    gitlab.get(`${SUPPORT_API}/issues/23/notes`).query(true).reply(200, []);
    gitlab.get(`${SUPPORT_API}/issues/23/resource_label_events`).query(true).reply(200, []);
    const alerts: { type: string; message: string }[] = [];
    nock(ALERTS)
      .persist()
      .post("/ops", (b) => !!alerts.push(b))
      .reply(204);

    const config = testBridgeConfig(prefix, {
      trackers: {
        erecipe: {
          kind: "gitlab",
          baseUrl: GITLAB,
          token: "glpat-test",
          webhookSecret: "s3cret",
          bridgeUser: "reglament-bot",
          reconcileIntervalSeconds: 1,
          projects: { [SUPPORT]: { pack: "e-recipe-by" } },
          options: { ...erecipeOptions, tier: "free" },
        },
      },
      packs: { "e-recipe-by": { mode: "dry-run" } },
      alerts: {
        endpoints: [
          {
            name: "ops",
            url: `${ALERTS}/ops`,
            secret: "alert-secret-123",
            events: ["tracker.webhook_disabled"],
          },
        ],
      },
    });
    // GitLab disables the hook once the bridge runs.
    setTimeout(() => {
      disabled = true;
    }, 200);
    bridge = await startBridge({
      config,
      configFile: "/tmp/reglament-test.yaml",
      env: { REDIS_URL: redisUrl },
      logger: silentLogger,
    });
    const readyz = async () =>
      (await bridge!.app.inject({ method: "GET", url: "/readyz" })).json() as {
        status: string;
        checks: Record<string, string>;
      };
    const seen = await until(
      readyz,
      (r) => /disabled/.test(r.checks["trackers.erecipe.webhooks"] ?? ""),
      8000,
    );
    expect(seen.status).toBe("ready");
    expect(seen.checks["trackers.erecipe.webhooks"]).toMatch(/GitLab has disabled the webhook 7 of FHIR-BY/);
    await until(
      async () => alerts.length,
      (n) => n > 0,
    );
    // Further reconciliations find it still disabled: no second alert.
    await new Promise((r) => setTimeout(r, 2500));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      type: "tracker.webhook_disabled",
      pack: "",
      message: expect.stringMatching(
        /^tracker erecipe, project FHIR-BY\/ehr\.platform\.support: GitLab has disabled/,
      ),
    });

    const cookie = await consoleCookie(bridge.address, testToken);
    const page = await (await fetch(`${bridge.address}/console/health`, { headers: { cookie } })).text();
    expect(page).toMatch(/<span class="bad" data-webhook>[^<]*GitLab has disabled the webhook 7/);
  }, 30_000);
});
