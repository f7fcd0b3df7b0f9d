import { createHash } from "node:crypto";
import { type Action, type Effect, isEffect, type Note } from "../domain/action.js";
import type { Decision } from "../domain/decision.js";
import type { Ticket } from "../domain/ticket.js";
import { redactPersonalData } from "../text/personal-data.js";

/**
 * What a write-back must make true, not what it must replay. A decision is turned into
 * a step: the effects that must hold on the ticket ("label X absent", "priority =
 * immediate", "assignee = reporter") and the notes that explain them. The basis is the
 * ticket as the decision saw it: the write-back compares it with the ticket as it is now
 * to tell a person's edit made meanwhile from its own progress.
 */

/** The fields rules read and corrections write, as the decision saw them. */
export interface Basis {
  status: string;
  priority?: string;
  impact?: string;
  type?: string;
  line?: number;
  assignee?: string;
  labels: string[];
}

export interface PlanStep {
  rule: string;
  /** What must hold on the ticket. */
  effects: Effect[];
  /** Said once: when this step's effects were made true now, or — with no effects — while the request stands. */
  notes: Note[];
}

export interface WritebackPlan {
  basis: Basis;
  steps: PlanStep[];
  language: "ru" | "en";
}

/**
 * The basis travels in the queued job, so its people's texts (labels, status, type) are
 * redacted; the fresh ticket's basis is made the same way, so the two still compare.
 */
export function basisOf(ticket: Ticket): Basis {
  return {
    status: redactPersonalData(ticket.status.value),
    ...(ticket.priority ? { priority: ticket.priority.value } : {}),
    ...(ticket.impact ? { impact: ticket.impact.value } : {}),
    ...(ticket.type ? { type: redactPersonalData(ticket.type.value) } : {}),
    ...(ticket.line !== undefined ? { line: ticket.line } : {}),
    ...(ticket.assignee ? { assignee: ticket.assignee.id } : {}),
    labels: [...new Set(ticket.labels.map(redactPersonalData))].sort(),
  };
}

const scalarFields = ["status", "priority", "impact", "type", "line", "assignee"] as const;
type ScalarField = (typeof scalarFields)[number];
const isScalar = (f: string): f is ScalarField => (scalarFields as readonly string[]).includes(f);

/** The scalar field and value an effect makes hold, in the basis' terms. */
function target(effect: Effect): { field: string; value: string } | undefined {
  switch (effect.type) {
    case "setField":
      return { field: effect.field, value: String(effect.value) };
    case "transition":
      return { field: "status", value: effect.status };
    case "assign":
      return { field: "assignee", value: effect.to };
    default:
      return undefined;
  }
}

/**
 * True when the effect already holds on the ticket; undefined when the basis cannot
 * tell (a field it does not carry) and the tracker's writer must decide.
 */
export function holds(effect: Effect, basis: Basis): boolean | undefined {
  if (effect.type === "addLabel") return basis.labels.includes(effect.label);
  if (effect.type === "removeLabel") return !basis.labels.includes(effect.label);
  const t = target(effect);
  if (!t || !isScalar(t.field)) return undefined;
  const current = basis[t.field];
  return current !== undefined && String(current) === t.value;
}

/**
 * The basis fields that differ on the fresh ticket and are not explained by this plan's
 * own effects: a person (or another system) changed them after the decision was made.
 * Labels may differ where the plan sets a field, since a tracker may carry fields as
 * labels (GitLab's scoped priority labels).
 */
export function changedMeanwhile(plan: WritebackPlan, fresh: Basis): string[] {
  const effects = plan.steps.flatMap((s) => s.effects);
  const changed: string[] = [];
  for (const field of scalarFields) {
    const was = plan.basis[field];
    const now = fresh[field];
    if (String(was ?? "") === String(now ?? "")) continue;
    const ours = effects.some((e) => {
      const t = target(e);
      return t?.field === field && t.value === String(now ?? "");
    });
    if (!ours) changed.push(field);
  }
  const labelsMayMove = effects.some((e) => e.type === "setField");
  const before = new Set(plan.basis.labels);
  const after = new Set(fresh.labels);
  for (const label of new Set([...before, ...after])) {
    const present = after.has(label);
    if (before.has(label) === present) continue;
    const ours = effects.some(
      (e) =>
        (e.type === "addLabel" && e.label === label && present) ||
        (e.type === "removeLabel" && e.label === label && !present),
    );
    if (!ours && !labelsMayMove) changed.push(`label «${label}»`);
  }
  return changed;
}

/**
 * A note as it may be written: its text passes the personal-data detectors. A rule's
 * comment quotes the ticket, a refusal note quotes the tracker's answer, a linked
 * ticket's title may be the ticket's. Redaction is deterministic and idempotent, so a
 * retried or re-planned note is the same note, word for word.
 */
export function redactedNote(note: Note): Note {
  return note.type === "comment"
    ? { ...note, body: redactPersonalData(note.body) }
    : { ...note, title: redactPersonalData(note.title), description: redactPersonalData(note.description) };
}

function digest(parts: readonly unknown[]): string {
  return createHash("sha1").update(JSON.stringify(parts)).digest("hex").slice(0, 16);
}

/**
 * Turns the decisions of one event into a plan. A note that explains effects is keyed by
 * the decision (its delivery), so a retry of the same job never posts it twice — whether
 * to post it at all is decided by whose effects they are (src/write-back/converge.ts). A
 * request with no effect is keyed by the ticket's state: the same request on the same
 * state is said once, whichever event or job asks for it. Notes are redacted here, so the
 * queued job carries no personal data either.
 */
export function planOf(
  ticket: Ticket,
  decisions: readonly { rule: string; actions: readonly Action[] }[],
  language: "ru" | "en",
  deliveryId: string,
): WritebackPlan {
  const basis = basisOf(ticket);
  const steps: PlanStep[] = [];
  for (const d of decisions) {
    const effects = d.actions.filter(isEffect);
    const notes = d.actions.filter((a): a is Note => !isEffect(a));
    if (effects.length === 0 && notes.length === 0) continue;
    const scope = effects.length ? [deliveryId] : [basis];
    const keyed = notes.map((n, i) => ({
      ...redactedNote(n),
      key: n.key ?? `reglament:${digest([ticket.ref.instance, ticket.ref.id, d.rule, ...scope, i])}`,
    }));
    steps.push({ rule: d.rule, effects, notes: keyed });
  }
  return { basis, steps, language };
}

export function planActions(plan: WritebackPlan): Action[] {
  return plan.steps.flatMap((s) => [...s.effects, ...s.notes]);
}

/** Decisions held for a grace period are judged later and written then, not now. */
export function writable(decisions: readonly Decision[]): Decision[] {
  return decisions.filter((d) => d.graceSeconds === undefined);
}
