import { parseArgs } from "node:util";
import { mustBeZero } from "./counts.js";
import { type Fault, faultDescriptions, faults, runChaos } from "./scenario.js";

/**
 * `npm run chaos [-- --issues N] [--fault NAME …] [--seed N]`: every fault (or those
 * named) against a fresh Redis, a fresh GitLab stub and real bridge processes; prints the
 * counts per fault and exits 1 when any count that must be zero is not.
 */
const { values } = parseArgs({
  options: {
    issues: { type: "string", default: "200" },
    fault: { type: "string", multiple: true },
    seed: { type: "string", default: "7" },
  },
});
const issues = Number(values.issues);
if (!Number.isInteger(issues) || issues < 1) {
  console.error(`--issues must be a whole number above 0, not "${values.issues}"`);
  process.exit(2);
}
const chosen = (values.fault ?? [...faults]) as Fault[];
for (const f of chosen) {
  if (!faults.includes(f)) {
    console.error(`unknown fault "${f}"; the faults are: ${faults.join(", ")}`);
    process.exit(2);
  }
}

const columns = ["fault", "accepted", ...mustBeZero, "dead", "bridgeWrites", "seconds"] as const;
console.log(columns.join("\t"));
let failed = false;
for (const fault of chosen) {
  const c = await runChaos(fault, { issues, seed: Number(values.seed), log: (l) => console.error(l) });
  console.log(columns.map((k) => String(c[k])).join("\t"));
  if (mustBeZero.some((k) => c[k] !== 0)) {
    failed = true;
    for (const o of c.offending) console.error(`${fault}: ${o.count}: issue #${o.iid} ${JSON.stringify(o)}`);
  }
}
console.log("");
for (const f of chosen) console.log(`${f}: ${faultDescriptions[f]}`);
process.exit(failed ? 1 : 0);
