import { describe, expect, it } from "vitest";
import { until } from "../helpers/bridge-http.js";
import {
  type ConsoleBridge,
  consoleTestEnvironment,
  krasnoyarskIssue,
  startConsoleBridge,
} from "../helpers/console-bridge.js";
import { testRedisUrl } from "../helpers/redis.js";

/**
 * Krasnoyarsk, Appendix 3, 2 «Уникальность» through the running bridge: the pipeline lists
 * the project's open tickets through the adapter (the fake tracker's API, answered by nock),
 * the rule compares the new ticket with them, and line 1's confirmation closes it with the link.
 */
const redisUrl = testRedisUrl(2);
let c: ConsoleBridge | undefined;
consoleTestEnvironment(async () => {
  await c?.stop();
  c = undefined;
});

describe("duplicates in the bridge", () => {
  it("Приложение 3, п. 2: a new ticket like an open one of another reporter is labelled and linked; line 1 moving it to «Дубликат» gets the link to the original written", async () => {
    const original = krasnoyarskIssue({
      id: "700",
      title: "Не открывается карта пациента в регистратуре",
      description: "Ошибка 500",
      reporter: "clinic-a",
      status: "inProgress",
    });
    const copy = krasnoyarskIssue({
      id: "701",
      title: "Не открываются карты пациентов в регистратуре",
      description: "Ошибка 500",
      reporter: "clinic-b",
    });
    c = await startConsoleBridge({
      redisUrl,
      prefix: `dups${process.pid}`,
      issues: [original, copy],
      mode: "enforce",
    });
    expect(await c.webhook("d1", copy, { kind: "created", actor: { id: "clinic-b" } })).toBe(202);
    const labelled = await until(
      async () => c!.tracker.issue("701"),
      (i) => (i.labels ?? []).includes("possible-duplicate") && (i.comments ?? []).length > 0,
    );
    expect(labelled.comments![0]!.body).toMatch(/дублирует открытую заявку: 700/);
    expect(c.tracker.served.some((s) => s.method === "GET" && s.path.startsWith("/issues?"))).toBe(true);

    // Line 1 (ivanov) confirms by moving it to «Дубликат».
    c.tracker.edit("701", (i) => {
      i.status = "duplicate";
    });
    const confirmed = { ...c.tracker.issue("701") };
    expect(
      await c.webhook("d2", confirmed, {
        field: "status",
        from: "new",
        to: "duplicate",
        actor: { id: "ivanov" },
      }),
    ).toBe(202);
    const closed = await until(
      async () => c!.tracker.issue("701"),
      (i) => (i.comments ?? []).some((x) => /закрыта как дубликат/.test(x.body)),
    );
    expect(closed.comments!.find((x) => /закрыта как дубликат/.test(x.body))!.body).toMatch(/заявке 700/);
    expect(closed.status).toBe("duplicate");
  });
});
