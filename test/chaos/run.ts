import { scriptArgs } from "../../scripts/script-args.js";
import { mustBeZero } from "./counts.js";
import { type Fault, faultDescriptions, faults, runChaos } from "./scenario.js";

/**
 * `npm run chaos [-- --issues N] [--fault NAME …] [--seed N]`: every fault (or those
 * named) against a fresh Redis, a fresh GitLab stub and real bridge processes; prints the
 * counts per fault and exits 1 when any count that must be zero is not.
 */
const usage = `usage: npm run chaos [-- --issues N] [--fault NAME …] [--seed N]

Runs each fault below against a private redis-server, a GitLab stand-in and real bridge
processes (\`bin/reglament.js serve\`), one after another, and prints per fault the
counts that must be zero, exiting 1 when one is not:
  ${mustBeZero.join(", ")}
At 200 issues a fault takes 10–30 s on the 2-core build machine; all ${faults.length}, about 3½ minutes.

faults:
${faults.map((f) => `  ${f.padEnd(16)} ${faultDescriptions[f]}`).join("\n")}

options:
  --issues N       issues created per fault (default 200; \`npm test\` runs 20)
  --fault NAME     only this fault; repeat it for several (default: every fault)
  --seed N         the seed of the stand-in's choices: late and repeated hooks (default 7)
  -h, --help       this text; runs nothing
`;

const { values } = scriptArgs(
  "chaos",
  usage,
  {
    issues: { type: "string", shown: "--issues N" },
    fault: { type: "string", multiple: true, shown: "--fault NAME" },
    seed: { type: "string", shown: "--seed N" },
  },
  { max: 0, what: "nothing" },
);
const whole = (option: string, text: string, min: number): number => {
  const n = Number(text);
  if (/^\d+$/.test(text) && Number.isSafeInteger(n) && n >= min) return n;
  console.error(`chaos: ${option} must be a whole number from ${min}, not "${text}"`);
  process.exit(2);
};
const issues = whole("--issues", String(values.issues ?? "200"), 1);
const seed = whole("--seed", String(values.seed ?? "7"), 0);
const chosen = (values.fault as string[] | undefined) ?? [...faults];
const unknown = chosen.filter((f) => !(faults as readonly string[]).includes(f));
if (unknown.length) {
  console.error(
    `chaos: unknown fault ${unknown.map((f) => `"${f}"`).join(", ")}; the faults are: ${faults.join(", ")} (--help for what each does)`,
  );
  process.exit(2);
}
// Ctrl-C ends the run through process.exit, so the folders of the run in hand are removed.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

const columns = ["fault", "accepted", ...mustBeZero, "dead", "bridgeWrites", "seconds"] as const;
console.log(columns.join("\t"));
let failed = false;
for (const fault of chosen as Fault[]) {
  const c = await runChaos(fault, { issues, seed, log: (l) => console.error(l) });
  console.log(columns.map((k) => String(c[k])).join("\t"));
  if (mustBeZero.some((k) => c[k] !== 0)) {
    failed = true;
    for (const o of c.offending) console.error(`${fault}: ${o.count}: issue #${o.iid} ${JSON.stringify(o)}`);
  }
}
console.log("");
for (const f of chosen as Fault[]) console.log(`${f}: ${faultDescriptions[f]}`);
process.exit(failed ? 1 : 0);
