import { paramsOf, type TextRef, textParamsOf, type UserRef } from "./user-ref.js";

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

/** One problem per parameter a user reference names that the pack does not declare. */
export function undeclaredParams(
  refs: readonly (UserRef | undefined)[],
  pack: PackRefs,
  option: string,
): string[] {
  return paramsOf(refs)
    .filter((p) => !pack.params.includes(p))
    .map((p) => `${option} names parameter "${p}", which the pack does not declare under params`);
}

/** The same for the parameters text references name (a label given as `{ param }`). */
export function undeclaredTextParams(
  refs: readonly (TextRef | undefined)[],
  pack: PackRefs,
  option: string,
): string[] {
  return textParamsOf(refs)
    .filter((p) => !pack.params.includes(p))
    .map((p) => `${option} names parameter "${p}", which the pack does not declare under params`);
}
