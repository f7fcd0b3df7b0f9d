import { Bench } from "tinybench";
import { ruleCatalogue } from "../policies/rules/index.js";
import { Change } from "../src/domain/change.js";
import { Ticket } from "../src/domain/ticket.js";
import { evaluate } from "../src/engine/evaluate.js";
import { loadPack } from "../src/engine/pack-loader.js";

/**
 * Decisions per second of the sevastopol-miac pack on realistic tickets: a creation that
 * breaks the matrix (corrected), a clean creation, and a priority change by line 2.
 * Target: ≥ 100,000 evaluations/s on one core.
 */
export async function run(): Promise<void> {
  const pack = loadPack("sevastopol-miac", {
    rules: ruleCatalogue,
    settings: { params: { headOfLine2: "petrova" }, rules: {} },
  });
  const base = {
    ref: { tracker: "mantis", instance: "sevastopol-mantis", project: "1", id: "4711" },
    title: "Не открывается электронная медкарта у врачей поликлиники №2",
    description:
      "С 9:00 при открытии ЭМК любого пациента выдаётся ошибка 500. Приём ведётся на бумаге. Браузер Chrome, перезапуск не помог.",
    type: "Электронная медкарта",
    status: "new",
    reporter: { id: "ivanov", role: "line1" },
    assignee: { id: "petrova" },
    createdAt: "2026-02-20T09:15:00+03:00",
  };
  const violating = Ticket.parse({ ...base, impact: "block", priority: "normal" });
  const clean = Ticket.parse({ ...base, impact: "major", priority: "high" });
  const lowered = Ticket.parse({ ...base, impact: "block", priority: "normal", status: "assigned" });
  const created = Change.parse({ kind: "created", actor: { id: "ivanov", role: "line1" } });
  const lowering = Change.parse({
    field: "priority",
    from: "immediate",
    to: "normal",
    actor: { id: "sidorov", role: "line2" },
  });
  const context = { now: "2026-02-20T09:16:00+03:00" };

  const bench = new Bench({ time: 1500, warmupTime: 300 });
  bench
    .add("creation breaking the matrix (corrected)", () => evaluate(pack, violating, created, context))
    .add("clean creation", () => evaluate(pack, clean, created, context))
    .add("priority lowered by line 2", () => evaluate(pack, lowered, lowering, context));
  await bench.run();

  console.log("bench/policy — sevastopol-miac evaluations per second (one core; target ≥ 100,000/s)");
  for (const task of bench.tasks) {
    const result = task.result;
    const hz = result && "throughput" in result ? result.throughput.mean : 0;
    console.log(
      `  ${task.name.padEnd(44)} ${Math.round(hz).toLocaleString("en-US").padStart(12)} /s  ${hz >= 100_000 ? "meets target" : "BELOW TARGET"}`,
    );
  }
}
