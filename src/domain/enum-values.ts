/**
 * The values of SPEC §2's scales as plain tuples, from lowest to highest, without zod: what
 * the CLI offers as choices before any command's code is loaded. `enums.ts` builds the
 * schemas from them.
 */

export const trackerKinds = ["mantis", "yandex", "gitlab"] as const;

/** MantisBT severity ("Влияние"). `trivial` exists in MantisBT but the Sevastopol regulation forbids it. */
export const impacts = ["feature", "trivial", "text", "tweak", "minor", "major", "crash", "block"] as const;

export const priorities = ["none", "low", "normal", "high", "urgent", "immediate"] as const;

export const statusPhases = [
  "new",
  "in_progress",
  "waiting_customer",
  "resolved",
  "closed",
  "cancelled",
] as const;

export const lines = [1, 2, 3] as const;

export const roles = [
  "line1",
  "line2",
  "line3",
  "head_of_line2",
  "supervisor",
  "reporter",
  "bridge",
] as const;
