import type { ChaosCounts } from "./scenario.js";

/** The counts the chaos suite guarantees to be zero under every fault. */
export const mustBeZero = [
  "lost",
  "repeatedComments",
  "contradictingWrites",
  "orderInversions",
  "overBudget",
  "paceExceeded",
  "unsettled",
] as const satisfies readonly (keyof ChaosCounts)[];
