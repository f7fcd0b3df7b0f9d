import { z } from "zod";
import type { RuleCheckInput } from "../../src/engine/rule.js";
import { Errors } from "../../src/errors/catalogue.js";

/**
 * Who a rule means by "assign to …" or "tell …": the ticket's reporter, the actor of the
 * change, a deployment parameter (`packs.<id>.params.<name>` in the config) or a user.
 */
export const UserRef = z.union([
  z.enum(["reporter", "actor"]),
  z.strictObject({ param: z.string().min(1) }),
  z.strictObject({ user: z.string().min(1) }),
]);
export type UserRef = z.infer<typeof UserRef>;

/**
 * The user id a reference means. A parameter the deployment has not configured throws
 * REG_PACK_PARAM_MISSING, which the engine reports as this rule's `error` decision.
 */
export function resolveUser(ref: UserRef, input: RuleCheckInput<unknown>): string {
  if (ref === "reporter") return input.ticket.reporter.id;
  if (ref === "actor") return input.actor.id;
  if ("user" in ref) return ref.user;
  const value = input.context.params[ref.param];
  if ((typeof value === "string" && value) || typeof value === "number") return String(value);
  throw Errors.PACK_PARAM_MISSING(input.context.packId, ref.param);
}

export function paramsOf(refs: readonly (UserRef | TextRef | undefined)[]): string[] {
  return refs.flatMap((r) => (r && typeof r === "object" && "param" in r ? [r.param] : []));
}

/**
 * A word an option names — a label, usually — given as it is or as a deployment
 * parameter (`{ param: accidentLabel }`), so that a team names its own marker.
 */
export const TextRef = z.union([z.string().min(1), z.strictObject({ param: z.string().min(1) })]);
export type TextRef = z.infer<typeof TextRef>;

/** The text a reference means, or undefined when it names a parameter the deployment left unset (the rule then stays quiet). */
export function resolveText(ref: TextRef, input: RuleCheckInput<unknown>): string | undefined {
  if (typeof ref === "string") return ref;
  const value = input.context.params[ref.param];
  return (typeof value === "string" && value) || typeof value === "number" ? String(value) : undefined;
}
