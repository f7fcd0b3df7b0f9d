import { describe, expect, it } from "vitest";
import { ruleCatalogue } from "../../policies/rules/index.js";
import { HOUR, MINUTE } from "../../src/calendar/duration.js";
import type { TicketInput } from "../../src/domain/ticket.js";
import { loadPack } from "../../src/engine/pack-loader.js";
import { evaluateClocks, nextDueMoment } from "../../src/sla/clocks.js";
import { slaEffects } from "../../src/sla/effects.js";
import { packTime } from "../../src/sla/pack-sla.js";
import { ticket } from "../helpers/tickets.js";

const kPack = loadPack("krasnoyarsk-kmiac", { rules: ruleCatalogue });
// The regulation pauses nothing; these tests run as a deployment that pauses while waiting for the initiator.
const kTime = packTime(kPack, { sla: { pauseStatuses: ["waiting"] } });
const cal = kTime.calendar;
const at = (iso: string) => Date.parse(iso);

const kTicket = (over: Partial<TicketInput> = {}) =>
  ticket({
    ref: { tracker: "yandex", instance: "kmiac", id: "KMIAC-1" },
    type: "Ошибка",
    priority: "high",
    status: "inProgress",
    reporter: { id: "mo-user" },
    createdAt: "2026-03-02T09:00:00+07:00",
    ...over,
  });

function clocks(over: Partial<TicketInput>, nowIso: string) {
  const t = kTicket(over);
  return evaluateClocks(t, { calendar: cal, spec: kTime.sla!, statuses: kPack.statuses, now: at(nowIso) });
}
const clock = (over: Partial<TicketInput>, nowIso: string, id: string) =>
  clocks(over, nowIso).find((c) => c.id === id)!;

describe("reaction clocks (Krasnoyarsk table)", () => {
  it("runs, then is at risk after 80%, then breached", () => {
    const running = clock({}, "2026-03-02T09:10:00+07:00", "reaction-l1");
    expect(running).toMatchObject({ state: "running", target: 20 * MINUTE, elapsed: 10 * MINUTE });
    expect(cal.iso(running.due!)).toBe("2026-03-02T09:20:00+07:00");
    expect(cal.iso(running.atRiskAt!)).toBe("2026-03-02T09:16:00+07:00");
    expect(clock({}, "2026-03-02T09:17:00+07:00", "reaction-l1").state).toBe("at_risk");
    expect(clock({}, "2026-03-02T09:30:00+07:00", "reaction-l1").state).toBe("breached");
  });

  it("stops at the first public comment of line 1 (not a private one, not the reporter's)", () => {
    const comments = [
      { id: "1", author: { id: "mo-user" }, body: "Жду", createdAt: "2026-03-02T09:05:00+07:00" },
      {
        id: "2",
        author: { id: "pltp", line: 1 as const },
        body: "внутр.",
        public: false,
        createdAt: "2026-03-02T09:08:00+07:00",
      },
      {
        id: "3",
        author: { id: "pltp", line: 1 as const },
        body: "Принято",
        createdAt: "2026-03-02T09:15:00+07:00",
      },
    ];
    const r = clock({ comments }, "2026-03-02T12:00:00+07:00", "reaction-l1");
    expect(r).toMatchObject({
      state: "met",
      elapsed: 15 * MINUTE,
      stoppedAt: at("2026-03-02T09:15:00+07:00"),
    });
  });

  it("the executor's clock starts when the ticket reaches line 2", () => {
    expect(clock({}, "2026-03-02T12:00:00+07:00", "reaction-executor").state).toBe("not_started");
    const history = [{ field: "line", from: 1, to: 2, by: { id: "pltp" }, at: "2026-03-02T10:00:00+07:00" }];
    const comments = [
      {
        id: "9",
        author: { id: "vltp", role: "line2" as const },
        body: "Смотрим",
        createdAt: "2026-03-02T10:05:00+07:00",
      },
    ];
    expect(clock({ history }, "2026-03-02T10:12:00+07:00", "reaction-executor").state).toBe("breached");
    expect(clock({ history, comments }, "2026-03-02T12:00:00+07:00", "reaction-executor")).toMatchObject({
      state: "met",
      elapsed: 5 * MINUTE,
    });
  });

  it("'by agreement' has no target", () => {
    expect(clock({ type: "Прочее" }, "2026-03-02T12:00:00+07:00", "resolution").state).toBe("no_target");
  });
});

describe("pauses", () => {
  it("001 (issue 18, 13): the regulation has no waiting pause — the pack pauses nothing unless the deployment chooses to", () => {
    const own = packTime(kPack);
    expect(own.sla!.pauseStatuses).toEqual([]);
    const t = kTicket({
      status: "waiting",
      history: [
        { field: "status", from: "new", to: "waiting", by: { id: "pltp" }, at: "2026-03-02T10:00:00+07:00" },
      ],
    });
    const r = evaluateClocks(t, {
      calendar: cal,
      spec: own.sla!,
      statuses: kPack.statuses,
      now: at("2026-03-02T11:00:00+07:00"),
    });
    expect(r.find((c) => c.id === "resolution")).toMatchObject({
      state: "running",
      paused: 0,
      elapsed: 2 * HOUR,
    });
  });

  it("4.9 and Appendix 2 (issue 18, 12): auto-close after 10 working days by default, 5 when the deployment chooses", () => {
    expect(packTime(kPack).sla!.autoClose!.after).toBe("10d");
    expect(packTime(kPack, { sla: { autoCloseAfter: "5d" } }).sla!.autoClose!.after).toBe("5d");
    const refused = (() => {
      try {
        packTime(loadPack("e-recipe-by", { rules: ruleCatalogue }), { sla: { autoCloseAfter: "5d" } });
      } catch (err) {
        return err as { details?: unknown };
      }
    })();
    expect(JSON.stringify(refused?.details)).toMatch(/packs\.e-recipe-by\.sla: the pack sets no deadlines/);
  });

  const history = [
    { field: "status", from: "new", to: "waiting", by: { id: "pltp" }, at: "2026-03-02T10:00:00+07:00" },
    {
      field: "status",
      from: "waiting",
      to: "inProgress",
      by: { id: "mo-user" },
      at: "2026-03-02T12:00:00+07:00",
    },
  ];

  it("excludes time in the waiting status and moves the due moment by it", () => {
    const r = clock({ history }, "2026-03-02T14:00:00+07:00", "resolution");
    expect(r).toMatchObject({ state: "running", elapsed: 2 * HOUR, paused: 2 * HOUR, target: 4 * HOUR });
    expect(cal.iso(r.due!)).toBe("2026-03-02T16:00:00+07:00");
  });

  it("is paused while waiting, with no due moment", () => {
    const r = clock(
      { history: history.slice(0, 1), status: "waiting" },
      "2026-03-02T11:00:00+07:00",
      "resolution",
    );
    expect(r).toMatchObject({ state: "paused", elapsed: HOUR, paused: HOUR, due: undefined });
  });

  it("keeps the accumulated pause when a priority change gives a new target", () => {
    const before = clock({ history, priority: "normal" }, "2026-03-02T14:00:00+07:00", "resolution");
    const after = clock({ history, priority: "urgent" }, "2026-03-02T14:00:00+07:00", "resolution");
    expect(before.target).toBe(14 * 8 * HOUR);
    expect(after.target).toBe(4 * HOUR);
    expect([before.paused, before.elapsed]).toEqual([2 * HOUR, 2 * HOUR]);
    expect([after.paused, after.elapsed]).toEqual([2 * HOUR, 2 * HOUR]);
  });

  it("a due moment already passed during work is reported in the past", () => {
    const r = clock({ history }, "2026-03-03T12:00:00+07:00", "resolution");
    expect(r.state).toBe("breached");
    expect(cal.iso(r.due!)).toBe("2026-03-02T16:00:00+07:00");
  });
});

describe("auto-close (10 working days in resolved)", () => {
  const history = [
    {
      field: "status",
      from: "inProgress",
      to: "resolved",
      by: { id: "vltp" },
      at: "2026-02-20T15:00:00+07:00",
    },
  ];
  const resolved = { status: "resolved", history, createdAt: "2026-02-19T09:00:00+07:00" };

  it("is due on the 10th working day, skipping 23 February and 9 March", () => {
    const r = clock(resolved, "2026-03-02T12:00:00+07:00", "auto-close");
    expect(r.state).toBe("running");
    expect(cal.iso(r.due!)).toBe("2026-03-10T15:00:00+07:00");
  });

  it("explains itself in the pack's language when asked: the title, the skipped holiday, the due moment", () => {
    const t = kTicket(resolved);
    const input = {
      calendar: cal,
      spec: kTime.sla!,
      statuses: kPack.statuses,
      now: at("2026-03-02T12:00:00+07:00"),
    };
    const ru = evaluateClocks(t, { ...input, language: "ru" }).find((c) => c.id === "auto-close")!;
    expect(ru.title).toBe("автозакрытие → closed");
    const why = ru.explain.join("\n");
    expect(why).toMatch(
      /^в статусе resolved с 2026-02-20T15:00:00\+07:00; закрывается через 10d рабочего времени без ответа заявителя/,
    );
    expect(why).toMatch(
      /10 рабочих дней от 2026-02-20T15:00:00\+07:00: то же время суток через 10 рабочих дней/,
    );
    expect(why).toMatch(/2026-02-21 сб: пропущен — выходной/);
    expect(why).toMatch(/2026-02-23 пн: пропущен — праздник/);
    expect(why).toMatch(/2026-02-24 вт: засчитан как день — рабочий день/);
    expect(why).toMatch(/срок 2026-03-10T15:00:00\+07:00$/);
    const en = evaluateClocks(t, input).find((c) => c.id === "auto-close")!;
    expect(en.title).toBe("auto-close → closed");
    expect(en.explain.join("\n")).toMatch(/2026-02-23 mon: skipped — holiday/);
    expect(en.explain.join("\n")).toMatch(/due 2026-03-10T15:00:00\+07:00$/);
  });

  it("closes after it, with a transition, a comment and an alert", () => {
    const t = kTicket(resolved);
    const now = at("2026-03-10T15:01:00+07:00");
    const reports = evaluateClocks(t, { calendar: cal, spec: kTime.sla!, statuses: kPack.statuses, now });
    expect(reports.find((r) => r.id === "auto-close")?.state).toBe("breached");
    const effects = slaEffects(t, reports, { pack: kPack, sla: kTime.sla!, calendar: cal, now });
    const close = effects.find((e) => e.alert.type === "ticket.auto_closed")!;
    expect(close.actions[0]).toEqual({ type: "transition", status: "closed" });
    expect(close.actions[1]).toMatchObject({ type: "comment" });
  });

  it("does not close when the reporter answered", () => {
    const comments = [
      { id: "5", author: { id: "mo-user" }, body: "Не работает", createdAt: "2026-02-25T10:00:00+07:00" },
    ];
    expect(clock({ ...resolved, comments }, "2026-03-11T12:00:00+07:00", "auto-close").state).toBe("met");
  });
});

describe("effects and scheduling", () => {
  it("a breach alerts and tells the reporter (Krasnoyarsk 6.8), with a stable id", () => {
    const t = kTicket({});
    const now = at("2026-03-02T09:30:00+07:00");
    const reports = evaluateClocks(t, { calendar: cal, spec: kTime.sla!, statuses: kPack.statuses, now });
    const effects = slaEffects(t, reports, { pack: kPack, sla: kTime.sla!, calendar: cal, now });
    const breach = effects.find((e) => e.alert.type === "sla.breached" && e.alert.clock === "reaction-l1")!;
    expect(breach.alert).toMatchObject({
      pack: "krasnoyarsk-kmiac",
      ticket: { id: "KMIAC-1" },
      target: "20m",
      overdueBy: "10m",
    });
    expect(breach.actions[0]).toMatchObject({
      type: "comment",
      body: expect.stringMatching(/^@mo-user, Срок «Срок реакции ПЛТП» по вашей заявке нарушен/),
    });
    const again = slaEffects(
      t,
      evaluateClocks(t, { calendar: cal, spec: kTime.sla!, statuses: kPack.statuses, now: now + HOUR }),
      { pack: kPack, sla: kTime.sla!, calendar: cal, now: now + HOUR },
    );
    expect(again.find((e) => e.alert.clock === "reaction-l1")?.id).toBe(breach.id);
  });

  it("the next due moment is the earliest at-risk or due moment ahead", () => {
    const now = at("2026-03-02T09:10:00+07:00");
    const reports = clocks({}, "2026-03-02T09:10:00+07:00");
    expect(cal.iso(nextDueMoment(reports, now)!)).toBe("2026-03-02T09:16:00+07:00");
  });
});

describe("MGERM: in work within 72 hours of calendar time", () => {
  const mPack = loadPack("mgerm", { rules: ruleCatalogue });
  const mTime = packTime(mPack);
  const mTicket = (over: Partial<TicketInput>) =>
    ticket({
      ref: { tracker: "yandex", id: "SUPPORT-1" },
      priority: "urgent",
      status: "open",
      createdAt: "2026-03-06T17:00:00+03:00",
      ...over,
    });
  const inWork = (over: Partial<TicketInput>, nowIso: string) =>
    evaluateClocks(mTicket(over), {
      calendar: mTime.calendar,
      spec: mTime.sla!,
      statuses: mPack.statuses,
      now: at(nowIso),
    }).find((c) => c.id === "in-work")!;

  it("counts weekends and holidays too", () => {
    const r = inWork({}, "2026-03-08T17:00:00+03:00");
    expect(r).toMatchObject({ state: "running", elapsed: 48 * HOUR });
    expect(mTime.calendar.iso(r.due!)).toBe("2026-03-09T17:00:00+03:00");
    expect(inWork({}, "2026-03-09T18:00:00+03:00").state).toBe("breached");
  });

  it("is met when the ticket is taken into work", () => {
    const history = [
      { field: "status", from: "open", to: "inProgress", by: { id: "dev" }, at: "2026-03-07T10:00:00+03:00" },
    ];
    expect(inWork({ history, status: "inProgress" }, "2026-03-10T10:00:00+03:00").state).toBe("met");
  });
});

describe("4.8: a deadline extended by agreement with the initiator", () => {
  const own = packTime(kPack);
  const proposal = (body: string) => ({
    id: "c1",
    author: { id: "vltp", line: 2 as const },
    body,
    createdAt: "2026-03-02T10:00:00+07:00",
  });
  const reply = (body: string) => ({
    id: "c2",
    author: { id: "mo-user" },
    body,
    createdAt: "2026-03-02T10:30:00+07:00",
  });
  const resolution = (comments: object[], nowIso: string) =>
    evaluateClocks(kTicket({ comments: comments as never }), {
      calendar: cal,
      spec: own.sla!,
      statuses: kPack.statuses,
      now: at(nowIso),
    }).find((c) => c.id === "resolution")!;

  it("4.8 «Исполнитель может продлевать срок обращения … по договоренности с Инициатором»: moves the due moment, says who proposed and agreed, raises no breach in the extended period", () => {
    const r = resolution(
      [proposal("Продлеваю срок до 2026-03-04 12:00, ждём разработчика"), reply("Согласен")],
      "2026-03-03T09:00:00+07:00",
    );
    expect(r.state).toBe("running");
    expect(cal.iso(r.due!)).toBe("2026-03-04T12:00:00+07:00");
    expect(r.extendedTo).toBe(r.due);
    expect(r.explain.join("\n")).toMatch(
      /extended to 2026-03-04T12:00:00\+07:00 by agreement \(4\.8\): proposed by @vltp 2026-03-02T10:00:00\+07:00, agreed by the reporter 2026-03-02T10:30:00\+07:00/,
    );
    const t = kTicket({
      comments: [proposal("Продлеваю срок до 2026-03-04 12:00"), reply("Согласен")] as never,
    });
    const effects = (nowIso: string) =>
      slaEffects(
        t,
        evaluateClocks(t, { calendar: cal, spec: own.sla!, statuses: kPack.statuses, now: at(nowIso) }),
        { pack: kPack, sla: own.sla!, calendar: cal, now: at(nowIso) },
      ).map((e) => `${e.alert.type}:${e.alert.clock}`);
    expect(effects("2026-03-03T09:00:00+07:00")).not.toContain("sla.breached:resolution");
    expect(effects("2026-03-04T12:30:00+07:00")).toContain("sla.breached:resolution");
  });

  it("a date alone is the end of that working day; a refusal, the reporter's own proposal or a line-1 one extend nothing", () => {
    expect(
      cal.iso(
        resolution(
          [proposal("Продлеваю срок до 05.03.2026"), reply("Не возражаю")],
          "2026-03-02T11:00:00+07:00",
        ).due!,
      ),
    ).toBe("2026-03-05T17:30:00+07:00");
    expect(
      resolution(
        [proposal("Продлеваю срок до 05.03.2026"), reply("Не согласен")],
        "2026-03-02T11:00:00+07:00",
      ).extendedTo,
    ).toBeUndefined();
    const byLine1 = { ...proposal("Продлеваю срок до 05.03.2026"), author: { id: "pltp", line: 1 as const } };
    expect(resolution([byLine1, reply("Согласен")], "2026-03-02T11:00:00+07:00").extendedTo).toBeUndefined();
    const early = { ...reply("Согласен"), createdAt: "2026-03-02T09:30:00+07:00" };
    expect(
      resolution([proposal("Продлеваю срок до 05.03.2026"), early], "2026-03-02T11:00:00+07:00").extendedTo,
    ).toBeUndefined();
  });
});
