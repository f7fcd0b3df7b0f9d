import { afterAll, describe, expect, it } from "vitest";
import { ruleCatalogue } from "../../policies/rules/index.js";
import type { Alert } from "../../src/alerts/alert.js";
import type { Action } from "../../src/domain/action.js";
import type { Ticket } from "../../src/domain/ticket.js";
import { loadPack } from "../../src/engine/pack-loader.js";
import { connectRedis } from "../../src/redis/connection.js";
import { KeySpace } from "../../src/redis/key-space.js";
import { packTime } from "../../src/sla/pack-sla.js";
import { SlaScheduler } from "../../src/sla/scheduler.js";
import { SlaService, ticketKey } from "../../src/sla/service.js";
import { silentLogger } from "../helpers/logger.js";
import { testRedisUrl } from "../helpers/redis.js";
import { ticket } from "../helpers/tickets.js";

const redis = await connectRedis(testRedisUrl(5));
const scheduler = new SlaScheduler(redis, new KeySpace("test-sla-service", 4), silentLogger);
afterAll(async () => {
  await scheduler.close();
  await redis.flushdb();
  redis.disconnect();
});

const mgerm = loadPack("mgerm", { rules: ruleCatalogue });
const time = packTime(mgerm);
const at = (iso: string) => Date.parse(iso);

describe("SlaService with a controllable clock (MGERM auto-close across the May holidays)", () => {
  const waiting = ticket({
    ref: { tracker: "yandex", instance: "mgerm", id: "SUPPORT-55" },
    priority: "normal",
    status: "needInfo",
    reporter: { id: "clinic" },
    createdAt: "2026-04-28T11:00:00+03:00",
    history: [
      {
        field: "status",
        from: "inProgress",
        to: "needInfo",
        by: { id: "dev" },
        at: "2026-04-29T12:00:00+03:00",
      },
    ],
  });

  let now = at("2026-04-29T12:00:00+03:00");
  const alerts: Alert[] = [];
  const writes: { ticket: Ticket; actions: Action[]; reason: string }[] = [];
  const service = new SlaService({
    scheduler,
    redis,
    keys: new KeySpace("test-sla-service", 4),
    source: async (key) => (key === ticketKey(waiting) ? { ticket: waiting, pack: mgerm, time } : undefined),
    sink: async (t, actions, reason) => void writes.push({ ticket: t, actions, reason }),
    publish: async (a) => void alerts.push(a),
    logger: silentLogger,
    now: () => now,
  });

  it("schedules the auto-close 10 working days later at the same time of day, skipping 1, 9 and 11 May; the shortened eves count as days", async () => {
    const next = await service.track({ ticket: waiting, pack: mgerm, time });
    expect(time.calendar.iso(next!)).toBe("2026-05-15T12:00:00+03:00");
    expect(await scheduler.dueAt(ticketKey(waiting))).toBe(next);
    expect(alerts).toEqual([]);
  });

  it("when the job fires, closes for no answer once: a transition, a comment and one alert", async () => {
    now = at("2026-05-15T12:00:01+03:00");
    await service.onDue(ticketKey(waiting));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.actions).toEqual([
      { type: "transition", status: "closedNoAnswer" },
      expect.objectContaining({
        type: "comment",
        body: expect.stringMatching(/Закрыто из-за отсутствия ответа/),
      }),
    ]);
    expect(alerts.map((a) => a.type)).toEqual(["ticket.auto_closed"]);

    now += 60_000;
    await service.onDue(ticketKey(waiting));
    expect(writes).toHaveLength(1);
    expect(alerts).toHaveLength(1);
    expect(await scheduler.dueAt(ticketKey(waiting))).toBeUndefined();
  });

  it("drops the clocks of a ticket that no longer exists", async () => {
    await scheduler.schedule("mgerm/SUPPORT-404", Date.now() + 60_000);
    await service.onDue("mgerm/SUPPORT-404");
    expect(await scheduler.dueAt("mgerm/SUPPORT-404")).toBeUndefined();
  });

  it("fills the board once after an upgrade: tracked tickets missing from it get a due job now", async () => {
    now = at("2026-04-29T12:00:00+03:00");
    expect(await service.fillBoardOnce(async () => [ticketKey(waiting), "mgerm/SUPPORT-77"])).toBe(2);
    expect(await scheduler.dueAt("mgerm/SUPPORT-77")).toBe(now);
    expect(await service.fillBoardOnce(async () => ["mgerm/SUPPORT-78"])).toBe(0);
    expect(await scheduler.dueAt("mgerm/SUPPORT-78")).toBeUndefined();
    await scheduler.cancel("mgerm/SUPPORT-77");
  });
});
