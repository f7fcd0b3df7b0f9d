import { paramsOf, type TextRef, type UserRef } from "./user-ref.js";

/** What a pack offers for options to refer to: its status values and declared parameters. */
export interface PackRefs {
  statuses: readonly string[];
  params: readonly string[];
}

/** One problem per status the options name that the pack's vocabulary lacks. */
export function unknownStatuses(
  names: readonly (string | undefined)[],
  pack: PackRefs,
  option = "status",
): string[] {
  return names
    .filter((s): s is string => s !== undefined && !pack.statuses.includes(s))
    .map((s) => `${option} "${s}" is not a status of this pack (${pack.statuses.join(", ")})`);
}

/** One problem per parameter a reference (a user, or a label given as `{ param }`) names that the pack does not declare. */
export function undeclaredParams(
  refs: readonly (UserRef | TextRef | undefined)[],
  pack: PackRefs,
  option: string,
): string[] {
  return paramsOf(refs)
    .filter((p) => !pack.params.includes(p))
    .map((p) => `${option} names parameter "${p}", which the pack does not declare under params`);
}
