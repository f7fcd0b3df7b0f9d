import { type Action, type Effect, isEffect, type Note } from "../domain/action.js";
import type { TrackerAdapter } from "../domain/adapter.js";
import type { TicketRef } from "../domain/ticket.js";
import { TrackerRequestError } from "../errors/tracker-error.js";
import { basisOf, changedMeanwhile, holds, redactedNote, type WritebackPlan } from "./plan.js";

/**
 * One write-back, converging on the ticket as it is now:
 *   1. read the ticket; if a person changed what the decision rested on, write nothing
 *      (`superseded`: the caller decides afresh from the new state);
 *   2. write only the effects that do not hold yet, with the notes of the steps they make
 *      true (a request with no effect is said while it stands) — one call;
 *   3. when the tracker refuses that, write the effects one by one, so that everything it
 *      accepts is written and each refusal is known with its own message, then the notes
 *      of what was made true, saying what could not be done.
 * Notes carry stable keys, so a retry or a second job for the same state never posts twice.
 */

export interface Refusal {
  action: Effect;
  /** The tracker's own answer. */
  reason: string;
}

export type ConvergeResult =
  | { outcome: "superseded"; changed: string[] }
  | {
      outcome: "applied" | "partial" | "failed";
      applied: Action[];
      skipped: Action[];
      refused: Refusal[];
    };

export interface ConvergeOptions {
  /** Awaited before every request that writes (the per-tracker pace and back-pressure). */
  beforeWrite?: () => Promise<void>;
  /** Effects an earlier attempt of this same job set out to write. */
  claimed?: readonly Effect[];
  /** Awaited before effects are written: records them as this job's own, so that a retry knows. */
  claim?: (effects: Effect[]) => Promise<void>;
}

const refusalWords = {
  ru: {
    heading: "Не удалось выполнить:",
    nothingDone: (rule: string) => `Reglament не смог выполнить то, что требует правило ${rule}:`,
    tracker: "ответ трекера",
    what: (a: Effect): string => {
      switch (a.type) {
        case "setField":
          return `установить поле «${a.field}» = «${String(a.value)}»`;
        case "transition":
          return `перевести заявку в статус «${a.status}»`;
        case "assign":
          return `назначить ответственным @${a.to}`;
        case "addLabel":
          return `добавить метку «${a.label}»`;
        case "removeLabel":
          return `снять метку «${a.label}»`;
      }
    },
  },
  en: {
    heading: "Could not be done:",
    nothingDone: (rule: string) => `Reglament could not do what rule ${rule} asks:`,
    tracker: "the tracker answered",
    what: (a: Effect): string => {
      switch (a.type) {
        case "setField":
          return `set "${a.field}" to "${String(a.value)}"`;
        case "transition":
          return `move the ticket to "${a.status}"`;
        case "assign":
          return `assign @${a.to}`;
        case "addLabel":
          return `add the label "${a.label}"`;
        case "removeLabel":
          return `remove the label "${a.label}"`;
      }
    },
  },
} as const;

const same = (a: Action, b: Action) => JSON.stringify(a) === JSON.stringify(b);
const redacted = (a: Action): Action => (isEffect(a) ? a : redactedNote(a));

function isRefusal(err: unknown): err is TrackerRequestError {
  return err instanceof TrackerRequestError && !err.retryable && !err.conflict;
}

export async function converge(
  adapter: TrackerAdapter,
  ref: TicketRef,
  plan: WritebackPlan,
  marker: string,
  options: ConvergeOptions = {},
): Promise<ConvergeResult> {
  const fresh = basisOf(await (adapter.fetchFields ?? adapter.fetchTicket).call(adapter, ref));
  const changed = changedMeanwhile(plan, fresh);
  if (changed.length) return { outcome: "superseded", changed };

  // Every write of every tracker passes here: what a note says is redacted as it leaves
  // (a refusal note quotes the tracker; a plan queued by an earlier version was not redacted).
  const apply = (actions: Action[]) =>
    adapter.applyActions(ref, actions.map(redacted), {
      marker,
      ...(options.beforeWrite ? { beforeWrite: options.beforeWrite } : {}),
    });
  const applied: Action[] = [];
  const skipped: Action[] = [];
  const refused: Refusal[] = [];
  const record = (r: { applied: Action[]; skipped: Action[] }) => {
    applied.push(...r.applied);
    skipped.push(...r.skipped);
  };

  const needed: Effect[] = [];
  for (const e of plan.steps.flatMap((s) => s.effects)) {
    if (needed.some((n) => same(n, e)) || skipped.some((n) => same(n, e))) continue;
    if (holds(e, fresh) === true) skipped.push(e);
    else needed.push(e);
  }
  // A step is explained when one of its effects is this job's: written now, or by an
  // earlier attempt of it (claimed) and holding. An effect someone else made true — an
  // earlier job on the same state, a person — is not explained again. A request with no
  // effect is said while it stands. Refused effects are named in the note.
  const claimed = options.claimed ?? [];
  const ours = (e: Effect) =>
    needed.some((n) => same(n, e)) || (claimed.some((c) => same(c, e)) && holds(e, fresh) === true);
  const words = refusalWords[plan.language];
  const notesFor = (written: (e: Effect) => boolean): Note[] =>
    plan.steps.flatMap((step): Note[] => {
      if (step.notes.length === 0) return [];
      const stepRefused = refused.filter((r) => step.effects.some((e) => same(e, r.action)));
      const list = stepRefused
        .map((r) => `- ${words.what(r.action)} — ${words.tracker}: «${r.reason}»`)
        .join("\n");
      if (step.effects.length > 0 && !step.effects.some((e) => ours(e) && written(e))) {
        // Nothing of this step could be written: its explanation would be untrue, but the
        // people on the ticket are told what the regulation asked and the tracker refused.
        const comment = step.notes.find((n) => n.type === "comment");
        if (!stepRefused.length || !comment) return [];
        return [
          { ...comment, key: `${comment.key}-refused`, body: `${words.nothingDone(step.rule)}\n${list}` },
        ];
      }
      const addendum = stepRefused.length ? `\n\n${words.heading}\n${list}` : "";
      return step.notes.map((n) =>
        n.type === "comment" && addendum ? { ...n, body: n.body + addendum } : n,
      );
    });

  // The usual case: one call writes what is missing and the notes that explain it.
  const hopeful = notesFor(() => true);
  if (needed.length + hopeful.length === 0) return { outcome: "applied", applied, skipped, refused };
  if (needed.length) await options.claim?.(needed);
  try {
    record(await apply([...needed, ...hopeful]));
    return { outcome: "applied", applied, skipped, refused };
  } catch (err) {
    if (!isRefusal(err) || needed.length === 0) throw err;
    if (needed.length === 1) refused.push({ action: needed[0]!, reason: err.reason });
  }
  // Refused: each effect on its own, so that everything the tracker accepts is written.
  if (needed.length > 1) {
    for (const e of needed) {
      try {
        record(await apply([e]));
      } catch (err) {
        if (!isRefusal(err)) throw err;
        refused.push({ action: e, reason: err.reason });
      }
    }
  }
  const notes = notesFor((e) => !refused.some((r) => same(r.action, e)));
  if (notes.length) record(await apply(notes));
  const outcome = refused.length === 0 ? "applied" : applied.length > 0 ? "partial" : "failed";
  return { outcome, applied, skipped, refused };
}
