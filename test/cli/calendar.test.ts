import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.js";
import { cli, cliProcess } from "../helpers/cli.js";

const fixture = join(packageRoot, "test/fixtures/tickets/krasnoyarsk-paused.json");
// The regulation pauses nothing; this deployment pauses while the initiator is asked.
const pausing = join(packageRoot, "test/fixtures/config/krasnoyarsk-pausing.yaml");

describe("reglament calendar", () => {
  it("add: Friday 15:00 + 4h on the Krasnoyarsk calendar is Tuesday 10:00", () => {
    const r = cliProcess([
      "calendar",
      "add",
      "--pack",
      "krasnoyarsk-kmiac",
      "--from",
      "2026-02-20T15:00:00+07:00",
      "--duration",
      "4h",
    ]);
    expect(r.err).toBe("");
    expect(r.out).toBe("2026-02-24T10:00:00+07:00\n");
    expect(r.code).toBe(0);
  });

  it("add --explain names the skipped days and why", async () => {
    const r = await cli(
      "calendar",
      "add",
      "--pack",
      "krasnoyarsk-kmiac",
      "--from",
      "2026-02-20T15:00:00+07:00",
      "--duration",
      "4h",
      "--explain",
    );
    expect(r.out).toMatch(/2026-02-23 mon: skipped — holiday \(День защитника Отечества\)/);
    expect(r.out).toMatch(/2026-02-24 tue: working.*counted 1h30m \(08:30–10:00\)/);
  });

  it("Приложение 2 («в рабочих часах/днях»), 4.10: «2 дня» end on the 2nd following working day at the same time — a shortened eve in between makes it no later", async () => {
    const add = async (from: string, duration: string, ...more: string[]) =>
      (
        await cli(
          "calendar",
          "add",
          "--pack",
          "krasnoyarsk-kmiac",
          "--from",
          from,
          "--duration",
          duration,
          ...more,
        )
      ).out;
    // Thursday 30 April is shortened by an hour, Friday 1 May a holiday, then the weekend.
    expect(await add("2026-04-29T10:00:00+07:00", "2d")).toBe("2026-05-04T10:00:00+07:00\n");
    // Hours stay working hours: 16 of them end an hour later, the shortened hour counted.
    expect(await add("2026-04-29T10:00:00+07:00", "16h")).toBe("2026-05-04T11:00:00+07:00\n");
    expect(await add("2026-03-02T08:30:00+07:00", "2d")).toBe("2026-03-04T08:30:00+07:00\n");
    expect(await add("2026-03-02T10:00:00+07:00", "1d2h")).toBe("2026-03-03T12:00:00+07:00\n");
    const explained = await add("2026-04-29T10:00:00+07:00", "2d", "--explain");
    expect(explained).toMatch(/2026-04-30 thu: counted as a day — short/);
    expect(explained).toMatch(/2026-05-01 fri: skipped — holiday \(Праздник Весны и Труда\)/);
    expect(explained).toMatch(/due 2026-05-04T10:00:00\+07:00\n$/);
  });

  it("a working day's time of day the next day does not have is clamped into its hours (Belarus: Friday ends at 16:45)", async () => {
    const r = await cli(
      "calendar",
      "add",
      "--pack",
      "e-recipe-by",
      "--from",
      "2026-03-05T17:30:00+03:00",
      "--duration",
      "1d",
    );
    expect(r.out).toBe("2026-03-06T16:45:00+03:00\n");
  });

  it("between prints working minutes", async () => {
    const r = await cli(
      "calendar",
      "between",
      "--pack",
      "krasnoyarsk-kmiac",
      "--from",
      "2026-02-20T15:00:00+07:00",
      "--to",
      "2026-02-24T10:00:00+07:00",
    );
    expect(r.out).toBe("240\n");
  });

  it("exits 2 on a negative duration, a bad moment, and a year without data", async () => {
    const args = ["calendar", "add", "--pack", "krasnoyarsk-kmiac", "--from"];
    expect((await cli(...args, "2026-02-20T15:00:00+07:00", "--duration=-4h")).code).toBe(2);
    expect((await cli(...args, "yesterday", "--duration", "4h")).err).toMatch(
      /option '--from <iso>' argument 'yesterday' is invalid\. expected an ISO 8601 moment/,
    );
    const r = await cli(...args, "2028-02-21T09:00:00+07:00", "--duration", "4h");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no data for 2028 \(years available: 2025, 2026, 2027\)/);
  });
});

describe("reglament sla", () => {
  it("prints every clock with its state, and explains with --explain", async () => {
    const r = await cli(
      "sla",
      "--pack",
      "krasnoyarsk-kmiac",
      "--config",
      pausing,
      "--now",
      "2026-03-02T14:00:00+07:00",
      "--explain",
      fixture,
    );
    expect(r.code).toBe(0);
    // The clocks' lines and their "why" in the pack's language.
    expect(r.out).toMatch(/reaction-l1 +соблюдён +норма 20m +прошло 15m/);
    expect(r.out).toMatch(
      /resolution +идёт +норма 4h +прошло 2h +пауза 2h +истекает 2026-03-02T16:00:00\+07:00 +— Срок решения/,
    );
    expect(r.out).toMatch(
      /пауза 2026-03-02T10:00:00\+07:00 → 2026-03-02T12:00:00\+07:00 \(не засчитано 2h\)/,
    );
    expect(r.out).toMatch(/норма 4h рабочего времени \(строка: типы /);
    expect(r.out).toMatch(/прошло 2h, на паузе 2h/);
    expect(r.out).toMatch(/не начат: обращение ещё не дошло до линии исполнителя/);
    expect(r.out).toMatch(/2026-03-02 пн: рабочий день, рабочее время [^;]+; засчитано 2h/);
    expect(r.out).toMatch(/срок 2026-03-02T16:00:00\+07:00 — через 2h рабочего времени/);
    expect(r.out).not.toMatch(/excluded|elapsed|working time/);
    expect(r.out).toMatch(/reaction-executor +не начат/);

    const english = await cli(
      "sla",
      "--pack",
      "krasnoyarsk-kmiac",
      "--config",
      pausing,
      "--now",
      "2026-03-02T14:00:00+07:00",
      "--lang",
      "en",
      "--explain",
      fixture,
    );
    expect(english.out).toMatch(/reaction-l1 +met +target 20m +elapsed 15m/);
    expect(english.out).toMatch(
      /paused 2026-03-02T10:00:00\+07:00 → 2026-03-02T12:00:00\+07:00 \(2h excluded\)/,
    );
    expect(english.out).toMatch(/target 4h of working time \(row: types /);
    expect(english.out).toMatch(/not started: the ticket has not reached the executor's line/);
    expect(english.out).toMatch(/due 2026-03-02T16:00:00\+07:00 after 2h of working time/);
    expect(english.out).not.toMatch(/пауза|норма 4h рабочего/);
    expect(english.out).toMatch(
      /resolution +running +target 4h +elapsed 2h +paused 2h +due 2026-03-02T16:00:00\+07:00/,
    );
    expect(english.out).toMatch(/reaction-executor +not_started/);
  });

  it("prints JSON", async () => {
    const r = await cli(
      "sla",
      "--pack",
      "krasnoyarsk-kmiac",
      "--config",
      pausing,
      "--now",
      "2026-03-02T15:30:00+07:00",
      "--format",
      "json",
      fixture,
    );
    const resolution = JSON.parse(r.out).find((c: { clock: string }) => c.clock === "resolution");
    expect(resolution).toMatchObject({
      state: "at_risk",
      targetMinutes: 240,
      elapsedMinutes: 210,
      pausedMinutes: 120,
      due: "2026-03-02T16:00:00+07:00",
    });
  });

  it("says so for a pack without deadlines", async () => {
    const r = await cli("sla", "--pack", "e-recipe-by", fixture);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/sets no deadlines/);
  });
});

describe("moments without an offset", () => {
  it("are read in the pack's calendar zone, whatever the machine's, and the command says so", () => {
    const args = [
      "calendar",
      "add",
      "--pack",
      "krasnoyarsk-kmiac",
      "--from",
      "2026-02-20T15:00:00",
      "--duration",
      "4h",
    ];
    for (const TZ of ["UTC", "America/New_York"]) {
      const r = cliProcess(args, { TZ });
      expect(r.out).toBe("2026-02-24T10:00:00+07:00\n");
      expect(r.err).toBe(
        "note: --from 2026-02-20T15:00:00 has no offset; read in the pack's zone Asia/Krasnoyarsk: 2026-02-20T15:00:00+07:00\n",
      );
    }
  });

  it("check --now and sla --now too", async () => {
    const sla = await cli(
      "sla",
      "--pack",
      "krasnoyarsk-kmiac",
      "--now",
      "2026-02-20T16:00",
      "--format",
      "json",
      fixture,
    );
    // In the pack's language; --lang en gives the English note.
    expect(sla.err).toBe(
      "заметка: в --now 2026-02-20T16:00 не указано смещение; время прочитано в часовом поясе пакета Asia/Krasnoyarsk: 2026-02-20T16:00:00+07:00\n",
    );
    const slaEn = await cli(
      "sla",
      "--pack",
      "krasnoyarsk-kmiac",
      "--lang",
      "en",
      "--now",
      "2026-02-20T16:00",
      "--format",
      "json",
      fixture,
    );
    expect(slaEn.err).toMatch(
      /--now 2026-02-20T16:00 has no offset; read in the pack's zone Asia\/Krasnoyarsk: 2026-02-20T16:00:00\+07:00/,
    );
    const withOffset = await cli(
      "sla",
      "--pack",
      "krasnoyarsk-kmiac",
      "--now",
      "2026-02-20T16:00:00+07:00",
      "--format",
      "json",
      fixture,
    );
    expect(withOffset.err).toBe("");
    expect(sla.out).toBe(withOffset.out);
  });
});
