import { own } from "../domain/own.js";
import type { Actor } from "../domain/ticket.js";
import type { Config } from "./schema.js";

/** Gives a tracker user the role and line the deployment assigns them (`actors.<instance>.<user>`). */
export function withConfiguredRole(config: Config | undefined, instance: string, actor: Actor): Actor {
  const entry = own(own(config?.actors, instance), actor.id);
  if (!entry) return actor;
  return {
    ...actor,
    role: actor.role ?? entry.role,
    line: actor.line ?? entry.line,
    name: actor.name ?? entry.name,
  };
}
