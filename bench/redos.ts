import { upload } from "../adapters/gitlab/uploads.js";
import { ruleCatalogue } from "../policies/rules/index.js";
import { disagreement } from "../policies/support/disagreement.js";
import { variablePattern } from "../src/config/interpolate.js";
import { loadPack } from "../src/engine/pack-loader.js";
import { agrees, extensionPatterns, proposedMoment } from "../src/sla/extension.js";
import { packTime } from "../src/sla/pack-sla.js";

/**
 * The texts that made the backtracking patterns stall, at 10 KB and 100 KB, straight
 * into the patterns (no `matchCaps` cut). On RE2 the time grows with the length: the
 * 100 KB / 10 KB ratio should be near 10 (a backtracking engine gave ~100 and more).
 */
export async function run(): Promise<void> {
  const time = packTime(loadPack("krasnoyarsk-kmiac", { rules: ruleCatalogue }));
  const extension = extensionPatterns(time.sla!.extension!);
  const cases: [string, (n: number) => string, (text: string) => unknown][] = [
    [
      "GitLab upload link, tail never closed",
      (n) => `](/uploads/0123456789abcdef/${"a".repeat(n)}`,
      (t) => [...t.matchAll(upload)],
    ],
    ["disagreement, «не» + spaces", (n) => `не${" ".repeat(n)}x`, disagreement],
    ["SLA extension command, spaces", (n) => `продлеваю${" ".repeat(n)}x`, (t) => extension.command.exec(t)],
    ["SLA agreement, «не » repeated", (n) => "не ".repeat(n / 3), (t) => agrees(extension, t)],
    [
      "SLA proposed moment, spaces after a date",
      (n) => `04.03.2026${" ".repeat(n)}x`,
      (t) => proposedMoment(t, time.calendar),
    ],
    ["config ${A:- never closed", (n) => "${A:-".repeat(n / 5), (t) => t.replace(variablePattern, "")],
  ];
  const median = (text: string, f: (t: string) => unknown) => {
    const runs = Array.from({ length: 21 }, () => {
      const start = performance.now();
      f(text);
      return performance.now() - start;
    }).sort((a, b) => a - b);
    return runs[10]!;
  };
  console.log("bench/redos — hostile texts on the linear-time engine (median of 21 runs)");
  console.log(
    `${"case".padEnd(42)}${"10 KB ms".padStart(10)}${"100 KB ms".padStart(11)}${"ratio".padStart(8)}`,
  );
  for (const [label, make, f] of cases) {
    median(make(1_000), f); // warm-up
    const small = median(make(10_000), f);
    const large = median(make(100_000), f);
    console.log(
      `${label.padEnd(42)}${small.toFixed(3).padStart(10)}${large.toFixed(3).padStart(11)}${(large / small).toFixed(1).padStart(8)}`,
    );
  }
}
