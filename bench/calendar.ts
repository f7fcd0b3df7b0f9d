import moment from "moment";
import "moment-business-time";
import { Bench } from "tinybench";
import { ruleCatalogue } from "../policies/rules/index.js";
import { MINUTE } from "../src/calendar/duration.js";
import { loadPack } from "../src/engine/pack-loader.js";
import { packTime } from "../src/sla/pack-sla.js";

/**
 * Deadline arithmetic on the Krasnoyarsk calendar (08:30–17:30, lunch 13:00–14:00, the
 * Russian production calendar), side by side with moment-business-time configured with
 * the same hours, the same lunch and the same days off. Targets: ≥ 1,000,000 deadline
 * computations/s for durations up to a day, and ≥ 20× moment-business-time.
 */
export async function run(): Promise<void> {
  const { calendar } = packTime(loadPack("krasnoyarsk-kmiac", { rules: ruleCatalogue }));
  const hours = ["08:30:00", "13:00:00", "14:00:00", "17:30:00"];
  const daysOff = calendar.days
    .filter((d) => d.intervals.length === 0 && d.kind !== "weekend")
    .map((d) => d.date);
  moment.updateLocale("en", {
    workinghours: { 0: null, 1: hours, 2: hours, 3: hours, 4: hours, 5: hours, 6: null },
    holidays: daysOff,
  } as moment.LocaleSpecification);

  // Both are configured alike: the known case must agree before anything is timed.
  const ours = calendar
    .iso(calendar.addWorkingTime(calendar.parse("2026-02-20T15:00:00+07:00"), 240 * MINUTE))
    .slice(0, 19);
  const theirs = moment("2026-02-20T15:00:00").addWorkingTime(240, "minutes").format("YYYY-MM-DDTHH:mm:ss");
  if (ours !== theirs) throw new Error(`the two calendars disagree on Fri 15:00 + 4h: ${ours} vs ${theirs}`);

  // The same starting moments for both: working-day mornings and evenings over 2026.
  const starts = Array.from(
    { length: 512 },
    (_, i) => calendar.parse("2026-01-12T09:00:00+07:00") + i * 17 * 3_600_000 + (i % 7) * 11 * MINUTE,
  );
  const momentStarts = starts.map((t) => moment(calendar.iso(t).slice(0, 19)));
  const shortDurations = [30, 60, 120, 240, 480].map((m) => m * MINUTE); // up to one working day
  const longDurations = [30, 240, 480, 5 * 480, 22 * 480].map((m) => m * MINUTE); // 30 min … a month
  let i = 0;
  const pick = <T>(list: readonly T[]) => list[i++ % list.length]!;

  const bench = new Bench({ time: 1500, warmupTime: 300 });
  bench
    .add("reglament addWorkingTime (≤ 1 day)", () =>
      calendar.addWorkingTime(pick(starts), pick(shortDurations)),
    )
    .add("moment-business-time addWorkingTime (≤ 1 day)", () =>
      pick(momentStarts)
        .clone()
        .addWorkingTime(pick(shortDurations) / MINUTE, "minutes"),
    )
    .add("reglament addWorkingTime (30 min … 1 month)", () =>
      calendar.addWorkingTime(pick(starts), pick(longDurations)),
    )
    .add("moment-business-time addWorkingTime (30 min … 1 month)", () =>
      pick(momentStarts)
        .clone()
        .addWorkingTime(pick(longDurations) / MINUTE, "minutes"),
    )
    .add("reglament workingTimeBetween", () =>
      calendar.workingTimeBetween(pick(starts), pick(starts) + 40 * 3_600_000),
    )
    .add("moment-business-time workingDiff", () => {
      const a = pick(momentStarts);
      return a.clone().add(40, "hours").workingDiff(a, "minutes");
    });
  await bench.run();

  const hz = (name: string) => {
    const r = bench.tasks.find((t) => t.name === name)?.result;
    return r && "throughput" in r ? r.throughput.mean : 0;
  };
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US").padStart(12);
  console.log("bench/calendar — Krasnoyarsk calendar, operations per second (same run)");
  for (const [label, ours, theirs] of [
    [
      "addWorkingTime, durations up to a day",
      "reglament addWorkingTime (≤ 1 day)",
      "moment-business-time addWorkingTime (≤ 1 day)",
    ],
    [
      "addWorkingTime, 30 min to 1 month",
      "reglament addWorkingTime (30 min … 1 month)",
      "moment-business-time addWorkingTime (30 min … 1 month)",
    ],
    ["workingTimeBetween / workingDiff", "reglament workingTimeBetween", "moment-business-time workingDiff"],
  ] as const) {
    const a = hz(ours);
    const b = hz(theirs);
    console.log(
      `  ${label.padEnd(40)} reglament ${fmt(a)} /s   moment-business-time ${fmt(b)} /s   ratio ${(a / b).toFixed(1)}×`,
    );
  }
  const short = hz("reglament addWorkingTime (≤ 1 day)");
  const ratio = short / hz("moment-business-time addWorkingTime (≤ 1 day)");
  console.log(
    `  target ≥ 1,000,000 /s for durations up to a day: ${short >= 1_000_000 ? "met" : "MISSED"}; target ≥ 20× moment-business-time: ${ratio >= 20 ? "met" : "MISSED"}`,
  );
}
