import { describe, expect, it } from "vitest";
import { change, created, decide, pack, ticket } from "../../helpers/tickets.js";

const at = "2026-03-02T11:00:00+03:00";

describe("krasnoyarsk-kmiac", () => {
  const k = pack("krasnoyarsk-kmiac");
  const base = {
    ref: { tracker: "yandex" as const, id: "KMIAC-17" },
    type: "Ошибка",
    priority: "high",
    status: "new",
  };

  it("asks for the reason when ВЛТП changes the type silently", () => {
    const c = change({
      kind: "updated",
      actor: { id: "vltp", role: "line2" },
      fields: [{ field: "type", from: "Ошибка", to: "Настройка" }],
    });
    const [d] = decide(k, ticket({ ...base, type: "Настройка", status: "inProgress" }), c);
    expect(d?.rule).toBe("reason-required-on-type-change");
    expect(d?.message).toMatch(/«Ошибка» на «Настройка»/);
    expect(d?.citation).toMatch(/001_2d932cef070fdbf6\.txt\), Приложение 2/);
  });

  it("flags a likely duplicate of the reporter's open ticket", () => {
    const open = ticket({
      ...base,
      ref: { tracker: "yandex", id: "KMIAC-9" },
      title: "Не формируется реестр счетов за февраль",
    });
    const d = decide(
      k,
      ticket({ ...base, title: "Не формируется реестр счетов за февраль месяц" }),
      created(),
      [open],
    );
    expect(d.map((x) => x.rule)).toEqual(["duplicate-suspect"]);
  });

  it("asks for type and priority that are missing", () => {
    const d = decide(k, ticket({ ...base, type: undefined, priority: undefined }), created());
    expect(d[0]?.message).toMatch(/«Категория», «Приоритет»/);
  });
});

describe("mgerm", () => {
  const m = pack("mgerm");
  const base = { ref: { tracker: "yandex" as const, id: "SUPPORT-314" }, priority: "normal", type: "bug" };

  it("reverts a production transfer that did not follow 'checked, no errors'", () => {
    const c = change({
      field: "status",
      from: "waitingForTest",
      to: "transferToProduction",
      actor: { id: "dev", role: "line2" },
    });
    const [d] = decide(m, ticket({ ...base, status: "transferToProduction" }), c);
    expect(d?.rule).toBe("status-transition-guard");
    expect(d?.actions[0]).toEqual({ type: "transition", status: "waitingForTest" });
    expect(d?.message).toMatch(
      /«Перенос на основную среду».*«Проверено, ошибок нет».*«Ожидание тестирования клиентом»/,
    );
  });

  it("answers a comment on a ticket closed for no answer, quoting its key", () => {
    const c = change({
      kind: "commented",
      actor: { id: "clinic" },
      comment: { id: "3", author: { id: "clinic" }, body: "Так и не работает", createdAt: at },
    });
    const [d] = decide(m, ticket({ ...base, status: "closedNoAnswer" }), c);
    expect(d?.message).toMatch(/SUPPORT-314.*«Закрыто из-за отсутствия ответа».*новую заявку.*SUPPORT-314/);
  });

  it("requests the login and the way to reproduce on an incomplete request", () => {
    const [d] = decide(
      m,
      ticket({ ...base, status: "open", description: "Не работает печать" }),
      created({ id: "clinic" }),
    );
    expect(d?.rule).toBe("template-completeness");
    expect(d?.actions[0]).toEqual({ type: "transition", status: "needInfo" });
  });
});

describe("e-recipe-by", () => {
  const e = pack("e-recipe-by", { headOfSupport: "solovei", infrastructureOwner: "bortnik" });
  const gl = (labels: string[], extra = {}) =>
    ticket({
      ref: { tracker: "gitlab", id: "1234" },
      status: "opened",
      labels,
      type: undefined,
      impact: undefined,
      priority: undefined,
      assignee: { id: "nedaboi" },
      ...extra,
    });

  it("keeps the highest of two priority labels and removes the other", () => {
    const d = decide(e, gl(["Priority: Low", "Priority: High"]), created({ id: "nedaboi", role: "line1" }));
    expect(d.map((x) => x.rule)).toEqual(["one-priority-label"]);
    expect(d[0]!.actions.filter((a) => a.type !== "comment")).toEqual([
      { type: "removeLabel", label: "Priority: Low" },
    ]);
  });

  it("escalates on L2 with an alert", () => {
    const c = change({
      field: "labels",
      from: ["Priority: Medium"],
      to: ["Priority: Medium", "L2"],
      actor: { id: "nedaboi", role: "line1" },
    });
    const d = decide(e, gl(["Priority: Medium", "L2"], { line: 1 }), c);
    expect(d).toEqual([expect.objectContaining({ rule: "escalation-l2", alerts: ["ticket.escalated"] })]);
  });

  it("routes an infrastructure problem to its owner and alerts at once when it is high", () => {
    const d = decide(
      e,
      gl(["L1: Infrastructure", "Priority: High"]),
      created({ id: "nedaboi", role: "line1" }),
    );
    expect(d.map((x) => x.rule)).toEqual(["infrastructure", "infrastructure-critical"]);
    expect(d[0]!.actions).toContainEqual({ type: "assign", to: "bortnik" });
    expect(d[1]!.alerts).toEqual(["ticket.escalated"]);
  });

  it("asks the head of support for an assignee and for a priority label", () => {
    const d = decide(e, gl([], { assignee: undefined }), created({ id: "nedaboi", role: "line1" }));
    expect(d.map((x) => x.rule)).toEqual(["required-fields", "one-priority-label"]);
    expect(d[0]!.message).toMatch(/@solovei/);
    expect(d[1]!.actions).toContainEqual({ type: "addLabel", label: "needs-priority" });
  });

  it("requires an accident report when an accident issue closes", () => {
    const c = change({
      field: "status",
      from: "opened",
      to: "closed",
      actor: { id: "solovei", role: "line1" },
    });
    const d = decide(e, gl(["Авария", "Priority: High"], { status: "closed" }), c);
    expect(d.map((x) => x.rule)).toEqual(["accident-report"]);
    expect(d[0]!.actions[0]).toMatchObject({ type: "createLinked", project: "FHIR-BY/ehr.platform.support" });
  });

  it("4.3 (issue 18, 18): accident mode is declared by a marker label the deployment names; 4.3.4: the report is the head of support's task, with no invented labels", () => {
    const named = pack("e-recipe-by", {
      headOfSupport: "solovei",
      infrastructureOwner: "bortnik",
      accidentLabel: "ЧС",
    });
    const adding = (label: string) =>
      change({
        field: "labels",
        from: ["Priority: High"],
        to: ["Priority: High", label],
        actor: { id: "nedaboi", role: "line1" },
      });
    expect(decide(named, gl(["Priority: High", "ЧС"]), adding("ЧС")).map((x) => x.rule)).toEqual([
      "accident",
    ]);
    expect(decide(named, gl(["Priority: High", "Авария"]), adding("Авария"))).toEqual([]);
    // Without the deployment's word, the pack's default «Авария».
    expect(decide(e, gl(["Priority: High", "Авария"]), adding("Авария")).map((x) => x.rule)).toEqual([
      "accident",
    ]);
    const closing = change({
      field: "status",
      from: "opened",
      to: "closed",
      actor: { id: "nedaboi", role: "line1" },
    });
    const [report] = decide(e, gl(["Авария", "Priority: High"], { status: "closed" }), closing);
    expect(report!.actions[0]).toMatchObject({ type: "createLinked", labels: [] });
    expect(report!.message).toMatch(/готовит @solovei/);
  });
});

describe("aura", () => {
  const a = pack("aura");

  it("asks for an executor and a priority once the request is in work", () => {
    const c = change({
      field: "status",
      from: "new",
      to: "inProgress",
      actor: { id: "support", role: "line1" },
    });
    const [d] = decide(
      a,
      ticket({
        ref: { tracker: "mantis", id: "9" },
        status: "inProgress",
        assignee: undefined,
        priority: undefined,
      }),
      c,
    );
    expect(d?.rule).toBe("executor-and-priority");
    expect(d?.message).toMatch(/«Ответственный», «Приоритет»/);
  });

  it("3.4 п. 1 «назначаются исполнители запроса и его приоритет»: from its registration, not only once in work", () => {
    const ds = decide(a, ticket({ status: "new", assignee: undefined, priority: undefined }), created());
    const d = ds.find((x) => x.rule === "executor-and-priority");
    expect(d?.message).toMatch(/«Ответственный», «Приоритет»/);
    expect(d?.citation).toMatch(/3\.4, п\. 1/);
    const assigned = decide(
      a,
      ticket({ status: "new", assignee: { id: "support" }, priority: "high" }),
      created(),
    );
    expect(assigned.some((x) => x.rule === "executor-and-priority")).toBe(false);
    const closed = decide(
      a,
      ticket({ status: "closed", assignee: undefined, priority: undefined }),
      change({ field: "status", from: "resolved", to: "closed", actor: { id: "support", role: "line1" } }),
    );
    expect(closed.some((x) => x.rule === "executor-and-priority")).toBe(false);
  });

  it("asks for the description of a new request", () => {
    const [d] = decide(a, ticket({ status: "new", description: "" }), created());
    expect(d?.rule).toBe("required-fields");
  });
});

describe("mgerm: the SLA as the regulation writes it", () => {
  it("«Некритические заявки могут быть отложены … до 14 рабочих дней» (Дополнительные положения) is a permission, not a deadline: no resolution clock", async () => {
    const { packTime } = await import("../../../src/sla/pack-sla.js");
    const { evaluateClocks } = await import("../../../src/sla/clocks.js");
    const m = pack("mgerm");
    const time = packTime(m);
    const reports = evaluateClocks(
      ticket({
        ref: { tracker: "yandex", id: "MGERM-1" },
        priority: "normal",
        status: "inProgress",
        createdAt: "2026-03-02T09:00:00+03:00",
      }),
      {
        calendar: time.calendar,
        spec: time.sla!,
        statuses: m.statuses,
        now: Date.parse("2026-04-30T12:00:00+03:00"),
      },
    );
    expect(reports.map((r) => r.kind)).not.toContain("resolution");
    expect(reports.filter((r) => r.state === "breached")).toEqual([]);
  });
});

describe("krasnoyarsk-kmiac: every type × priority has a clock", () => {
  it("a «Консультация» with «Очень высокий» priority, not in table 1 (Приложение 2), gets the strictest consultation row: 5 min", async () => {
    const { packTime } = await import("../../../src/sla/pack-sla.js");
    const { evaluateClocks } = await import("../../../src/sla/clocks.js");
    const k = pack("krasnoyarsk-kmiac");
    const time = packTime(k);
    const reports = evaluateClocks(
      ticket({
        ref: { tracker: "yandex", id: "KMIAC-5" },
        type: "Консультация",
        priority: "urgent",
        status: "new",
        createdAt: "2026-03-02T09:00:00+07:00",
      }),
      {
        calendar: time.calendar,
        spec: time.sla!,
        statuses: k.statuses,
        now: Date.parse("2026-03-02T09:01:00+07:00"),
      },
    );
    const byId = Object.fromEntries(reports.map((r) => [r.id, r]));
    expect(byId["reaction-l1"]?.target).toBe(5 * 60_000);
    expect(byId.resolution?.target).toBe(5 * 60_000);
  });
});

describe("mgerm: comments on finished tickets", () => {
  const base = { ref: { tracker: "yandex" as const, id: "SUPPORT-77" }, priority: "normal", type: "bug" };
  const commented = change({
    kind: "commented",
    actor: { id: "clinic" },
    comment: { id: "5", author: { id: "clinic" }, body: "Снова ошибка", createdAt: at },
  });

  it("«Любой дополнительный комментарий к заявке со статусами … будет автоматически проигнорирован» (Дополнительные положения): the seed's statuses, «Закрыто» left out since «Закрытые задачи можно вновь открыть»", () => {
    const m = pack("mgerm");
    for (const status of ["duplicate", "unfeasible", "cancelledImpossible", "closedNoAnswer"])
      expect(decide(m, ticket({ ...base, status }), commented).map((d) => d.rule)).toEqual([
        "comment-on-final-status",
      ]);
    expect(decide(m, ticket({ ...base, status: "closed" }), commented)).toEqual([]);
  });

  it("a centre that treats «Закрыто» as «Завершено» adds it in the configuration", () => {
    const m = pack(
      "mgerm",
      {},
      {
        "comment-on-final-status": {
          statuses: ["closed", "duplicate", "unfeasible", "cancelledImpossible", "closedNoAnswer"],
        },
      },
    );
    expect(decide(m, ticket({ ...base, status: "closed" }), commented).map((d) => d.rule)).toEqual([
      "comment-on-final-status",
    ]);
  });
});

describe("mgerm: «Найдена ошибка»", () => {
  it("«Статус заявки переведен в режим “В работе”» (таблица статусов): a ticket entering «Найдена ошибка» is moved to «В работе»", () => {
    const m = pack("mgerm");
    const base = { ref: { tracker: "yandex" as const, id: "SUPPORT-90" }, priority: "normal", type: "bug" };
    const found = change({
      field: "status",
      from: "waitingForTest",
      to: "errorFound",
      actor: { id: "clinic" },
    });
    const [d] = decide(m, ticket({ ...base, status: "errorFound" }), found);
    expect(d?.rule).toBe("status-moves-on");
    expect(d?.actions).toEqual(expect.arrayContaining([{ type: "transition", status: "inProgress" }]));
    expect(d?.message).toMatch(/«Найдена ошибка» переводится в статус «В работе»/);
    // Already moved on: nothing to do.
    const moved = change({ field: "status", from: "errorFound", to: "inProgress", actor: { id: "dev" } });
    expect(decide(m, ticket({ ...base, status: "inProgress" }), moved)).toEqual([]);
  });
});

describe("aura: the time zone", () => {
  it("the regulation names none: Moscow time is an assumption the deployment can change (packs.aura.calendar.zone)", async () => {
    const { packTime } = await import("../../../src/sla/pack-sla.js");
    const { CalendarOverride } = await import("../../../src/calendar/spec.js");
    const a = pack("aura");
    expect(packTime(a).calendar.zone).toBe("Europe/Moscow");
    const there = packTime(a, { calendar: CalendarOverride.parse({ zone: "Asia/Yekaterinburg" }) });
    expect(there.calendar.zone).toBe("Asia/Yekaterinburg");
    // 08:00 is read in the deployment's zone.
    expect(there.calendar.iso(there.calendar.parse("2026-03-02T08:00:00"))).toBe("2026-03-02T08:00:00+05:00");
    const bad = CalendarOverride.safeParse({ zone: "Mars/Olympus" });
    expect(bad.success ? "" : bad.error.issues[0]?.message).toMatch(/unknown time zone "Mars\/Olympus"/);
  });
});
