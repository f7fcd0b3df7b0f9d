import { describe, expect, it } from "vitest";
import { ruleCatalogue } from "../../policies/rules/index.js";
import { type BoardQuery, buildBoard, remainingAt, stateAt } from "../../src/console/board.js";
import { Ticket } from "../../src/domain/ticket.js";
import { loadPack } from "../../src/engine/pack-loader.js";
import { type BoardClock, type BoardEntry, boardEntry } from "../../src/sla/board-index.js";
import { evaluateClocks } from "../../src/sla/clocks.js";
import { packTime } from "../../src/sla/pack-sla.js";

const pack = loadPack("krasnoyarsk-kmiac", { rules: ruleCatalogue });
// As a deployment that pauses while waiting for the initiator (the regulation does not).
const time = packTime(pack, { sla: { pauseStatuses: ["waiting"] } });
const cal = time.calendar;
const at = (local: string) => cal.parse(`2026-03-02T${local}:00+07:00`);
const MIN = 60_000;

function ticket(id: string, over: Record<string, unknown> = {}) {
  return Ticket.parse({
    ref: { tracker: "gitlab", instance: "shop", project: "support", id },
    title: "t",
    type: "Ошибка",
    priority: "high",
    status: "new",
    reporter: { id: "clinic" },
    assignee: { id: "ivanov" },
    createdAt: "2026-03-02T10:00:00+07:00",
    ...over,
  });
}

function entry(id: string, now: number, over: Record<string, unknown> = {}): BoardEntry {
  const t = ticket(id, over);
  const reports = evaluateClocks(t, { calendar: cal, spec: time.sla!, statuses: pack.statuses, now });
  return boardEntry(t, pack, reports, now)!;
}

const query = (over: Partial<BoardQuery> = {}): BoardQuery => ({
  order: "asc",
  page: 1,
  pageSize: 50,
  ...over,
});

describe("a board entry (kept by the SLA service)", () => {
  it("holds the counting clocks only: not the unstarted executor's reaction, not the auto-close timer", () => {
    const e = entry("1", at("10:05"));
    expect(e.clocks.map((c) => [c.id, c.state])).toEqual([
      ["reaction-l1", "running"],
      ["resolution", "running"],
    ]);
    expect(e).toMatchObject({
      key: "shop/1",
      pack: "krasnoyarsk-kmiac",
      line: 1,
      priority: "high",
      assignee: "ivanov",
    });
    expect(e.pausedBy).toBeUndefined();
  });

  it("drops a clock once it is met, and the ticket once none counts", () => {
    const answered = entry("2", at("10:30"), {
      comments: [
        {
          id: "c1",
          author: { id: "ivanov", line: 1 },
          body: "Смотрим",
          createdAt: "2026-03-02T10:10:00+07:00",
        },
      ],
    });
    expect(answered.clocks.map((c) => c.id)).toEqual(["resolution"]);
    const t = ticket("3", {
      status: "resolved",
      comments: [
        {
          id: "c1",
          author: { id: "ivanov", line: 1 },
          body: "Готово",
          createdAt: "2026-03-02T10:10:00+07:00",
        },
      ],
      history: [
        {
          field: "status",
          from: "new",
          to: "resolved",
          by: { id: "ivanov" },
          at: "2026-03-02T11:00:00+07:00",
        },
      ],
    });
    const reports = evaluateClocks(t, {
      calendar: cal,
      spec: time.sla!,
      statuses: pack.statuses,
      now: at("12:00"),
    });
    expect(boardEntry(t, pack, reports, at("12:00"))).toBeUndefined();
  });

  it("says which status holds a paused ticket", () => {
    const e = entry("4", at("11:00"), {
      status: "waiting",
      history: [
        {
          field: "status",
          from: "new",
          to: "waiting",
          by: { id: "ivanov" },
          at: "2026-03-02T10:05:00+07:00",
        },
      ],
    });
    expect(e.pausedBy).toBe("Ожидание ответа инициатора");
  });
});

describe("a clock at the moment the board is read", () => {
  const clock: BoardClock = {
    id: "reaction-l1",
    title: "r",
    time: "working",
    state: "running",
    target: 20 * MIN,
    elapsed: 5 * MIN,
    due: at("10:20"),
    atRiskAt: at("10:16"),
  };

  it("turns at risk, then breached, between two recomputations", () => {
    expect(stateAt(clock, false, at("10:10"))).toBe("running");
    expect(stateAt(clock, false, at("10:16"))).toBe("at_risk");
    expect(stateAt(clock, false, at("10:20"))).toBe("breached");
    expect(stateAt(clock, true, at("10:30"))).toBe("paused");
  });

  it("counts the working time left, lunch excluded, and negative once overdue", () => {
    const beforeLunch = { ...clock, due: at("14:10") };
    expect(remainingAt(beforeLunch, false, at("12:50"), cal)).toBe(20 * MIN);
    expect(remainingAt(clock, false, at("10:25"), cal)).toBe(-5 * MIN);
    // Paused: what was left when the pause began, however long it lasts.
    expect(remainingAt({ ...clock, due: undefined }, true, at("17:00"), cal)).toBe(15 * MIN);
  });
});

describe("the board", () => {
  const now = at("10:17");
  const entries = [
    entry("10", now, { priority: "urgent" }), // 5 min reaction: breached at 10:05
    entry("11", now), // 20 min: at risk
    entry("12", now, { createdAt: "2026-03-02T10:10:00+07:00" }), // 20 min from 10:10: running
    entry("20", now, { line: 2, priority: "normal" }),
    entry("30", now, { line: 3, priority: "low", status: "waiting" }),
  ];

  it("groups the clocks by line, least time left first, with counts per line", () => {
    const board = buildBoard(entries, query(), now, () => cal);
    expect(board.lines.map((l) => l.line)).toEqual([1, 2, 3]);
    const line1 = board.lines[0]!.rows.map((r) => `${r.entry.id}:${r.clock.id}:${r.state}`);
    expect(line1.slice(0, 3)).toEqual([
      "10:reaction-l1:breached",
      "11:reaction-l1:at_risk",
      "12:reaction-l1:running",
    ]);
    expect(board.lines[0]!.rows[0]!.remaining).toBe(-12 * MIN);
    expect(board.counts[0]).toEqual({
      line: 1,
      total: 6,
      byState: { running: 4, paused: 0, at_risk: 1, breached: 1 },
    });
    expect(board.counts[2]!.byState.paused).toBe(board.counts[2]!.total);
    expect(
      buildBoard(entries, query({ order: "desc" }), now, () => cal).lines[0]!.rows[0]!.entry.id,
    ).not.toBe("10");
  });

  it("filters by line, priority, state, pack and instance; the counts still show every line", () => {
    const line2 = buildBoard(entries, query({ line: 2 }), now, () => cal);
    expect(line2.lines.map((l) => l.line)).toEqual([2]);
    // Line 2 has reached the executor: its reaction clock counts too.
    expect(line2.counts.map((c) => c.total)).toEqual([6, 3, 2]);
    const breached = buildBoard(entries, query({ state: "breached" }), now, () => cal);
    expect(breached.lines.flatMap((l) => l.rows.map((r) => r.entry.id))).toEqual(["10"]);
    expect(buildBoard(entries, query({ priority: "low" }), now, () => cal).lines[2]!.total).toBe(2);
    expect(
      buildBoard(entries, query({ pack: "mgerm" }), now, () => cal).lines.every((l) => l.total === 0),
    ).toBe(true);
    expect(
      buildBoard(entries, query({ instance: "other" }), now, () => cal).counts.every((c) => c.total === 0),
    ).toBe(true);
    expect(buildBoard(entries, query(), now, () => cal).choices).toEqual({
      instance: ["shop"],
      pack: ["krasnoyarsk-kmiac"],
      priority: ["high", "low", "normal", "urgent"],
    });
  });

  it("pages each line's list", () => {
    const many = Array.from({ length: 7 }, (_, i) => entry(String(100 + i), now));
    const first = buildBoard(many, query({ pageSize: 5 }), now, () => cal).lines[0]!;
    expect([first.total, first.pages, first.rows.length]).toEqual([14, 3, 5]);
    const last = buildBoard(many, query({ pageSize: 5, page: 9 }), now, () => cal).lines[0]!;
    expect(last.rows.length).toBe(4);
  });

  it("puts a clock the calendar cannot count last, instead of failing", () => {
    const far = {
      ...entries[1]!,
      key: "shop/99",
      id: "99",
      clocks: [{ ...entries[1]!.clocks[0]!, due: Date.parse("2099-01-01") }],
    };
    const board = buildBoard([far, entries[2]!], query(), now, () => cal);
    const rows = board.lines[0]!.rows;
    expect(rows.at(-1)!.entry.id).toBe("99");
    expect(rows.at(-1)!.remaining).toBeUndefined();
  });
});
