import { z } from "zod";
import { impacts, lines, priorities, roles, statusPhases, trackerKinds } from "./enum-values.js";

export { impacts, lines, priorities, roles, statusPhases, trackerKinds };

/**
 * The ordered, tracker-neutral scales of SPEC §2. Order matters: rules compare ranks
 * ("lowering" a priority, "the highest label of a group"), so each scale is a tuple
 * from lowest to highest and `rank()` is its index.
 */

export const TrackerKind = z.enum(trackerKinds);
export type TrackerKind = z.infer<typeof TrackerKind>;

/** MantisBT severity ("Влияние"). `trivial` exists in MantisBT but the Sevastopol regulation forbids it. */
export const Impact = z.enum([...impacts, "unknown"]);
export type Impact = z.infer<typeof Impact>;

export const Priority = z.enum([...priorities, "unknown"]);
export type Priority = z.infer<typeof Priority>;

export const StatusPhase = z.enum(statusPhases);
export type StatusPhase = z.infer<typeof StatusPhase>;

/** Phases in which the ticket is finished: nothing more is expected from the support lines. */
export const finalPhases: readonly StatusPhase[] = ["closed", "cancelled"];

export const Line = z.union([z.literal(1), z.literal(2), z.literal(3)]);
export type Line = z.infer<typeof Line>;

export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;

/** Index of a value on its scale, or -1 for `unknown` and anything off the scale. */
export function rank<T extends string>(scale: readonly T[], value: string): number {
  return (scale as readonly string[]).indexOf(value);
}

export const impactRank = (v: string): number => rank(impacts, v);
export const priorityRank = (v: string): number => rank(priorities, v);
