import { withConfiguredRole } from "../config/actors.js";
import type { Config } from "../config/schema.js";
import type { Action } from "../domain/action.js";
import type { TrackerAdapter } from "../domain/adapter.js";
import type { Change } from "../domain/change.js";
import type { Decision } from "../domain/decision.js";
import type { Actor, Ticket } from "../domain/ticket.js";
import { evaluate } from "../engine/evaluate.js";
import type { LoadedPack } from "../engine/pack-loader.js";
import { diffSnapshot } from "../queue/snapshots.js";
import { writable } from "../write-back/plan.js";

export interface Verdict {
  ticket: Ticket;
  /** The change judged: the ticket's latest, as the bridge takes it on first sight. */
  change: Change;
  decisions: Decision[];
  /** What enforce mode would write (the dry-run "would do"). */
  wouldDo: Action[];
  /** Set when the latest change is the bridge's own: nothing is judged. */
  ownChange?: true;
}

/**
 * A ticket judged as if its latest change had just happened, exactly as the pipeline
 * judges a ticket it meets for the first time: the deployment's roles for everyone the
 * ticket names, the change taken from its history, and a rule with a grace period judged
 * as after it (an old ticket's grace period is long over).
 */
export function verdictOf(
  raw: Ticket,
  o: { adapter: TrackerAdapter; config: Config; instance: string; pack: LoadedPack; now: string },
): Verdict {
  const role = (a: Actor): Actor =>
    o.adapter.isBridgeActor(a) ? { ...a, role: "bridge" } : withConfiguredRole(o.config, o.instance, a);
  const ticket: Ticket = {
    ...raw,
    reporter: role(raw.reporter),
    assignee: raw.assignee ? role(raw.assignee) : undefined,
    comments: raw.comments.map((c) => ({ ...c, author: role(c.author) })),
  };
  const first = diffSnapshot(undefined, ticket)!;
  const change: Change = { ...first, actor: role(first.actor) };
  if (change.actor.role === "bridge") return { ticket, change, decisions: [], wouldDo: [], ownChange: true };
  const now = evaluate(o.pack, ticket, change, { now: o.now });
  const deferred = new Set(now.filter((d) => d.graceSeconds !== undefined).map((d) => d.rule));
  const later = deferred.size
    ? evaluate(o.pack, ticket, change, { now: o.now, afterGrace: true }).filter((d) => deferred.has(d.rule))
    : [];
  const decisions = [...writable(now), ...later];
  return { ticket, change, decisions, wouldDo: decisions.flatMap((d) => d.actions) };
}
