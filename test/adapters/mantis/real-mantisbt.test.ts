import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import axios from "axios";
import { afterAll, beforeAll, expect, it, describe as suite } from "vitest";
import { packageRoot } from "../../../src/paths.js";
import type { LogEntry } from "../../../src/queue/decision-log.js";
import { connectRedis } from "../../../src/redis/connection.js";
import { type RunningBridge, startBridge } from "../../../src/runtime/serve.js";
import { decisionLog, testBridgeConfig, until } from "../../helpers/bridge-http.js";
import { capturingLogger, silentLogger } from "../../helpers/logger.js";
import { testRedisUrl } from "../../helpers/redis.js";

/**
 * Against a real MantisBT 2.28.4 (`../shared/mantisbt/up`, stock thresholds, seeded with a
 * reporter, a developer and the bridge's account): the start-up check names what its
 * thresholds will refuse, what MantisBT refuses of a correction does not lose the rest,
 * and a feedback note posted a moment after the status counts.
 */
const redisUrl = testRedisUrl(12);
const PORT = "18989";
const up = join(packageRoot, "../shared/mantisbt/up");
const down = join(packageRoot, "../shared/mantisbt/down");
const env: Record<string, string> = {};

const api = (token: string) =>
  axios.create({ baseURL: `${env.MANTIS_URL}/api/rest`, headers: { authorization: token } });
const admin = () => api(env.MANTIS_TOKEN_ADMIN!);

async function report(severity: string, priority: string): Promise<number> {
  const res = await api(env.MANTIS_TOKEN_REPORTER!).post("/issues", {
    summary: `Не открывается ЭМК (${severity}/${priority}, ${Date.now()})`,
    description: "Ошибка при открытии карты пациента",
    project: { id: 1 },
    category: { name: "Электронная медкарта" },
    severity: { name: severity },
    priority: { name: priority },
    custom_fields: [{ field: { name: "Линия поддержки" }, value: "1" }],
  });
  return res.data.issue.id as number;
}

async function read(id: number) {
  return (await admin().get(`/issues/${id}`)).data.issues[0] as {
    status: { name: string };
    priority: { name: string };
    handler?: { name: string };
    notes?: { text: string; reporter: { name: string } }[];
  };
}

const setConfig = (option: string, value: unknown) =>
  admin().patch("/config", { project: { id: 1 }, configs: [{ option, value }] });
/** Through curl: PHP's built-in server sends a body with this 204, which Node's HTTP parser refuses. */
const setBridgeLevel = (level: string) =>
  execFileSync("curl", [
    "-sf",
    "-X",
    "PUT",
    `${env.MANTIS_URL}/api/rest/projects/1/users`,
    "-H",
    `Authorization: ${env.MANTIS_TOKEN_ADMIN}`,
    "-H",
    "Content-Type: application/json",
    "-d",
    JSON.stringify({ user: { id: 4 }, access_level: { name: level } }),
  ]);

let bridge: RunningBridge | undefined;
let counter = 0;
/** What these tests provoke on purpose: MantisBT's refusals are then said on the ticket. */
const provoked = [
  "handle_bug_threshold",
  "update_bug_assign_threshold",
  "update_bug_status_threshold",
  "update_readonly_bug_threshold",
];
function bridgeOptions(
  rules: Record<string, unknown>,
  { mode = "enforce", acceptRefusals = provoked, logger = silentLogger } = {},
) {
  return {
    config: testBridgeConfig(`realmantis${process.pid}x${counter++}`, {
      trackers: {
        sev: {
          kind: "mantis",
          baseUrl: env.MANTIS_URL,
          token: env.MANTIS_TOKEN_BRIDGE,
          bridgeUser: "reglament",
          reconcileIntervalSeconds: 3600,
          writesPerSecond: 20,
          acceptRefusals,
          projects: { "1": { pack: "sevastopol-miac" } },
          options: { lineField: "Линия поддержки", userIds: { petrova: 3, ivanov: 2 }, backfillHours: 1 },
        },
      },
      actors: { sev: { ivanov: { role: "line1", line: 1 }, petrova: { role: "head_of_line2", line: 2 } } },
      packs: { "sevastopol-miac": { mode, params: { headOfLine2: "petrova" }, rules } },
    }),
    configFile: "/tmp/reglament-test.yaml",
    env: { REDIS_URL: redisUrl },
    logger,
  };
}
async function start(rules: Record<string, unknown> = {}) {
  await bridge?.shutdown.run("next test");
  bridge = await startBridge(bridgeOptions(rules));
  return bridge;
}
const entries = (id: number) => decisionLog(bridge!.app, "sev", String(id));
const writebacks = (es: LogEntry[]) =>
  es.filter((e): e is Extract<LogEntry, { type: "writeback" }> => e.type === "writeback");
const bridgeNotes = async (id: number) =>
  ((await read(id)).notes ?? []).filter((n) => n.reporter.name === "reglament").map((n) => n.text);

/** A fresh bridge polls the issue; its write-back is partial: the assignment to `to` refused. */
async function expectRefusedAssignment(id: number, to: string, reason: RegExp): Promise<void> {
  await start();
  await bridge!.pipeline.reconcile("sev");
  const log = await until(
    () => entries(id),
    (es) => writebacks(es).length > 0,
    20_000,
  );
  expect(writebacks(log)[0]).toMatchObject({
    result: "partial",
    refused: [{ action: { type: "assign", to }, reason: expect.stringMatching(reason) }],
  });
}

/**
 * Where a real MantisBT comes from: one the user already runs (MANTIS_URL and the
 * MANTIS_TOKEN_* variables that `up` prints, for an instance seeded the same way), or
 * `../shared/mantisbt/up`, which exists beside this repository's CI. In a clone with
 * neither the suite is skipped with its reason; CI sets REGLAMENT_REQUIRE_SHARED=1, which
 * makes that a failure instead, so it never skips silently.
 */
const tokens = [
  "MANTIS_TOKEN_ADMIN",
  "MANTIS_TOKEN_BRIDGE",
  "MANTIS_TOKEN_DEVELOPER",
  "MANTIS_TOKEN_REPORTER",
];
const given = Boolean(process.env.MANTIS_URL) && tokens.every((t) => process.env[t]);
const unavailable =
  given || existsSync(up)
    ? undefined
    : `no real MantisBT: ${up} is missing (it is beside this repository's CI) and MANTIS_URL with ${tokens.join(", ")} is not set`;
if (unavailable && process.env.REGLAMENT_REQUIRE_SHARED === "1")
  throw new Error(`${unavailable}; REGLAMENT_REQUIRE_SHARED=1 says this run must have it`);
if (unavailable) console.warn(`test/adapters/mantis/real-mantisbt.test.ts skipped: ${unavailable}`);
const describe = unavailable ? suite.skip : suite;

beforeAll(() => {
  if (unavailable) return;
  if (given) {
    for (const k of ["MANTIS_URL", ...tokens]) env[k] = process.env[k]!;
    return;
  }
  const out = execFileSync(up, {
    encoding: "utf8",
    env: { ...process.env, MANTIS_PORT: PORT },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const [, k, v] of out.matchAll(/^export (\w+)=(.*)$/gm)) env[k!] = v!;
}, 300_000);

afterAll(async () => {
  if (unavailable) return;
  await bridge?.shutdown.run("test end");
  const redis = await connectRedis(redisUrl);
  await redis.flushdb();
  redis.disconnect();
  if (env.MANTIS_INSTANCE_DIR) execFileSync(down, [env.MANTIS_INSTANCE_DIR], { stdio: "ignore" });
}, 60_000);

describe("a real MantisBT 2.28.4 with stock thresholds", () => {
  it("the Sevastopol reject: the status is returned, the handler MantisBT refuses is named in the note, partial", async () => {
    const id = await report("minor", "immediate");
    await expectRefusedAssignment(id, "ivanov", /access right to handle issues/);
    const issue = await read(id);
    expect(issue.status.name).toBe("feedback");
    const notes = await bridgeNotes(id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /Не удалось выполнить:\n- назначить ответственным @ivanov — ответ трекера: «.*access right to handle issues.*»/,
    );
  }, 60_000);

  it("a bridge account lowered to updater: the priority is still fixed, the assignment MantisBT refuses is said", async () => {
    setBridgeLevel("updater");
    try {
      const id = await report("feature", "immediate");
      await expectRefusedAssignment(id, "petrova", /access right to assign/);
      expect((await read(id)).priority.name).toBe("none");
      const notes = await bridgeNotes(id);
      expect(
        notes.some((n) => /Приоритет «Неотложный» не соответствует влиянию «Нововведение»/.test(n)),
      ).toBe(true);
      expect(
        notes.some((n) => /не смог выполнить.*\n- назначить ответственным @petrova — ответ трекера/.test(n)),
      ).toBe(true);
    } finally {
      setBridgeLevel("manager");
    }
  }, 60_000);

  it("a feedback note posted a second after the status, the poll falling in between: accepted within the grace window", async () => {
    await setConfig("handle_bug_threshold", 25);
    try {
      const id = await report("minor", "normal");
      await start({
        "assignee-on-status": {
          requirements: [
            { status: "new", assignee: { param: "headOfLine2" } },
            { status: "feedback", assignee: "reporter", requireComment: true, commentGraceSeconds: 3 },
          ],
        },
      });
      await bridge!.pipeline.reconcile("sev");
      await until(
        () => entries(id),
        (es) => writebacks(es).length > 0,
        20_000,
      );
      expect((await read(id)).handler?.name).toBe("petrova");
      const before = (await bridgeNotes(id)).length;

      // The developer returns the ticket to the reporter; the bridge polls before her note.
      await api(env.MANTIS_TOKEN_DEVELOPER!).patch(`/issues/${id}`, {
        status: { name: "feedback" },
        handler: { id: 2 },
      });
      await bridge!.pipeline.reconcile("sev");
      const deferred = await until(
        () => entries(id),
        (es) => es.some((e) => e.type === "decisions" && (e.deferred?.length ?? 0) > 0),
        20_000,
      );
      expect(deferred.find((e) => e.type === "decisions" && e.deferred)).toMatchObject({
        deferred: [{ rule: "assignee-on-status", seconds: 3 }],
      });
      await new Promise((r) => setTimeout(r, 1000));
      await api(env.MANTIS_TOKEN_DEVELOPER!).post(`/issues/${id}/notes`, {
        text: "Уточните, пожалуйста, номер карты пациента",
        view_state: { name: "public" },
      });
      const judged = await until(
        () => entries(id),
        (es) => es.some((e) => e.deliveryId.startsWith("grace-")),
        20_000,
      );
      expect(judged.find((e) => e.deliveryId.startsWith("grace-"))).toMatchObject({ decisions: [] });
      expect(await bridgeNotes(id)).toHaveLength(before);
    } finally {
      await setConfig("handle_bug_threshold", null);
    }
  }, 60_000);
});

describe("the start-up check of what a real MantisBT's settings will refuse", () => {
  const warnings = (lines: { level: number; msg: string; setting?: unknown }[]) =>
    lines.filter((l) => l.level === 40 && l.setting !== undefined);

  it("a bridge account lowered to updater: an enforcing pack does not start, naming project, level and threshold", async () => {
    await bridge?.shutdown.run("next test");
    bridge = undefined;
    setBridgeLevel("updater");
    try {
      const failure = await startBridge(bridgeOptions({}, { acceptRefusals: [] })).catch((e: unknown) => e);
      expect(failure).toMatchObject({ code: "REG_TRACKER_PERMISSIONS_MISSING", exitCode: 2 });
      const details = (failure as { details: string[] }).details.join("\n");
      expect(details).toMatch(
        /tracker sev, project 1: assigning tickets will be refused: the bridge account is updater \(40\) in project 1 «Поддержка МИС», and update_bug_assign_threshold is developer \(55\)/,
      );
      expect(details).toMatch(
        /moving tickets to feedback will be refused.*update_bug_status_threshold is developer \(55\)/,
      );
      expect(details).toMatch(
        /writing on tickets in resolved, closed .*update_readonly_bug_threshold is manager \(70\)/,
      );
      expect(details).toMatch(/ivanov \(reporter \(25\)\) in project 1 «Поддержка МИС» cannot be handlers/);
      expect(details).toMatch(/acceptRefusals: \[update_bug_assign_threshold\]/);

      // In dry-run the same findings are warnings, and the bridge starts.
      const { logger, lines } = capturingLogger();
      bridge = await startBridge(bridgeOptions({}, { mode: "dry-run", acceptRefusals: [], logger }));
      expect(warnings(lines).map((l) => l.setting)).toEqual(
        expect.arrayContaining([
          "update_bug_assign_threshold",
          "update_bug_status_threshold",
          "handle_bug_threshold",
          "update_readonly_bug_threshold",
        ]),
      );
    } finally {
      setBridgeLevel("manager");
    }
  }, 60_000);

  it("stock thresholds with the bridge a manager: only what the settings do to people, and auto_set_status_to_assigned on and off", async () => {
    await bridge?.shutdown.run("next test");
    const first = capturingLogger();
    bridge = await startBridge(
      bridgeOptions({}, { acceptRefusals: ["handle_bug_threshold"], logger: first.logger }),
    );
    const found = warnings(first.lines);
    expect(found.map((l) => l.setting).sort()).toEqual([
      "allow_reporter_close",
      "auto_set_status_to_assigned",
      "bug_readonly_status_threshold",
      "handle_bug_threshold",
    ]);
    expect(found.find((l) => l.setting === "auto_set_status_to_assigned")?.msg).toMatch(
      /web form moves a ticket to «assigned» whenever a handler is set.*set auto_set_status_to_assigned to OFF/,
    );
    expect(found.find((l) => l.setting === "handle_bug_threshold")).toMatchObject({ accepted: true });

    await bridge.shutdown.run("next test");
    await setConfig("auto_set_status_to_assigned", 0);
    await setConfig("handle_bug_threshold", 25);
    try {
      const second = capturingLogger();
      bridge = await startBridge(bridgeOptions({}, { acceptRefusals: [], logger: second.logger }));
      expect(
        warnings(second.lines)
          .map((l) => l.setting)
          .sort(),
      ).toEqual(["allow_reporter_close", "bug_readonly_status_threshold"]);
    } finally {
      await setConfig("auto_set_status_to_assigned", null);
      await setConfig("handle_bug_threshold", null);
    }
  }, 60_000);
});

describe("reglament audit against a real MantisBT", () => {
  it("finds exactly the issues that break the Sevastopol matrix, and writes nothing", async () => {
    await bridge?.shutdown.run("next test");
    bridge = undefined;
    const since = new Date(Date.now() - 1000).toISOString();
    const broken = [await report("minor", "immediate"), await report("block", "normal")];
    const fine = [await report("major", "high"), await report("feature", "none")];
    const before = await Promise.all([...broken, ...fine].map((id) => read(id)));
    const { writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const file = join(tmpdir(), `reglament-real-audit-${process.pid}.yaml`);
    writeFileSync(
      file,
      `history: { enabled: false }
trackers:
  sev:
    kind: mantis
    baseUrl: "${env.MANTIS_URL}"
    token: "${env.MANTIS_TOKEN_BRIDGE}"
    bridgeUser: reglament
    projects: { "1": { pack: sevastopol-miac } }
    options: { lineField: Линия поддержки }
actors:
  sev: { ivanov: { role: line1, line: 1 }, petrova: { role: head_of_line2, line: 2 } }
packs:
  sevastopol-miac: { params: { headOfLine2: petrova } }
`,
    );
    const { cli } = await import("../../helpers/cli.js");
    const r = await cli("audit", "--instance", "sev", "--config", file, "--since", since, "--format", "json");
    const audit = JSON.parse(r.out) as {
      tickets: number;
      findings: { ticket: string; rule: string }[];
      errors: unknown[];
    };
    expect(audit.errors).toEqual([]);
    expect(audit.tickets).toBeGreaterThanOrEqual(4);
    const ours = new Set([...broken, ...fine]);
    const matrix = audit.findings
      .filter((f) => f.rule === "impact-priority-matrix" && ours.has(Number(f.ticket)))
      .map((f) => Number(f.ticket));
    expect(matrix.sort()).toEqual([...broken].sort());
    // Nothing was written: every issue is as it was, and the bridge has no note anywhere.
    const after = await Promise.all([...broken, ...fine].map((id) => read(id)));
    expect(after).toEqual(before);
    for (const id of [...broken, ...fine]) expect(await bridgeNotes(id)).toEqual([]);
  }, 60_000);
});
