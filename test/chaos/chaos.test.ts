import { describe, expect, it } from "vitest";
import { mustBeZero } from "./counts.js";
import { leftTempDirs } from "./processes.js";
import { faults, runChaos } from "./scenario.js";

/**
 * The chaos suite at a small size (`npm run chaos` runs it at full size): real bridge
 * processes, a private Redis with its append-only file, the GitLab stub; every fault,
 * and every count that must be zero is zero.
 */
describe("chaos", () => {
  for (const fault of faults) {
    it(`${fault}: nothing lost, repeated, contradicted, reordered, retried past its budget or written too fast`, async () => {
      const counts = await runChaos(fault, { issues: 20 });
      expect(counts.accepted).toBeGreaterThan(20);
      expect(
        { ...Object.fromEntries(mustBeZero.map((k) => [k, counts[k]])), offending: counts.offending },
        "the counts that must be zero, and what the stub knows of the issues they name",
      ).toEqual({ ...Object.fromEntries(mustBeZero.map((k) => [k, 0])), offending: [] });
      if (fault === "endless-503") expect(counts.dead).toBeGreaterThan(0);
      expect(leftTempDirs(), "the run's temporary folders, removed when it ends").toEqual([]);
    }, 120_000);
  }
});
