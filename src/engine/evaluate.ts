import { type Action, actionTarget } from "../domain/action.js";
import type { Change } from "../domain/change.js";
import type { Decision } from "../domain/decision.js";
import type { StatusPhase } from "../domain/enums.js";
import type { LinkedTicket, Ticket } from "../domain/ticket.js";
import type { TrackerFacts } from "../domain/tracker-needs.js";
import { Errors, isReglamentError } from "../errors/catalogue.js";
import { changeForMatching, ticketForMatching } from "../text/bounds.js";
import { redactPersonalData } from "../text/personal-data.js";
import type { LoadedPack } from "./pack-loader.js";
import type { Finding, Language, RuleContext } from "./rule.js";

export interface EvaluationContext {
  /** ISO 8601 "now"; the engine never reads the wall clock (it only times each rule against its budget). */
  now: string;
  openTickets?: readonly Ticket[];
  /** The re-check at the end of a grace period: findings that asked for one are judged now. */
  afterGrace?: boolean;
  /** What the start-up check learned of the ticket's tracker project. */
  tracker?: TrackerFacts;
  /** The tickets linked to this one, when a rule asked for them. */
  links?: readonly LinkedTicket[];
  /** How long one rule may take, in milliseconds; default RULE_BUDGET_MS. */
  ruleBudgetMs?: number;
}

/**
 * A rule is a synchronous function: nothing can stop it half-way, but one that took too
 * long is not believed. The budget is far above what a rule needs (tens of microseconds)
 * and above a garbage-collection pause, so only a rule gone wrong — a pattern that
 * backtracks, a loop over something huge — reaches it.
 */
export const RULE_BUDGET_MS = 250;

function format(template: string, data: Record<string, string | number> | undefined): string {
  if (!data) return template;
  // Our own messages' placeholders; bounded so that no template can make it backtrack far.
  // What fills them may be a ticket's text (a label, a quoted part): it is redacted here,
  // so no decision message — in a comment, the log, the console — carries personal data.
  return template.replace(/\{(\w{1,64})\}/g, (whole, key: string) =>
    Object.hasOwn(data, key) ? redactPersonalData(String(data[key])) : whole,
  );
}

const footer: Record<Language, (rule: string, citation: string) => string> = {
  ru: (rule, citation) => `Основание: ${citation}. Правило Reglament: ${rule}.`,
  en: (rule, citation) => `Basis: ${citation}. Reglament rule: ${rule}.`,
};

const conflictWords: Record<Language, (target: string, winner: string) => string> = {
  ru: (target, winner) =>
    `«${target}» уже изменяет правило ${winner}, стоящее в паке раньше; это действие не выполняется`,
  en: (target, winner) =>
    `"${target}" is already written by rule ${winner}, listed earlier in the pack; this action is dropped`,
};

/** Why a rule has no findings to trust. A thrown exception's own text is a programmer's, kept as it is. */
const failureWords: Record<
  Language,
  {
    failed: (rule: string, reason: string) => string;
    missingParam: (pack: string, param: string, title: string | undefined) => string;
    overBudget: (took: number, budget: number) => string;
  }
> = {
  ru: {
    failed: (rule, reason) => `не удалось выполнить правило ${rule}: ${reason}`,
    missingParam: (pack, param, title) =>
      `не задан параметр пакета «${param}»${title ? ` (${title})` : ""}; укажите packs.${pack}.params.${param} в файле конфигурации`,
    overBudget: (took, budget) =>
      `оно работало ${took} мс, дольше отведённых ему ${budget} мс; его выводы отброшены`,
  },
  en: {
    failed: Errors.RULE_FAILED.message,
    missingParam: (pack, param) => Errors.PACK_PARAM_MISSING.message(pack, param),
    overBudget: (took, budget) =>
      `it took ${took} ms, more than its time budget of ${budget} ms; its findings are discarded`,
  },
};

/** A rule's exception as the pack's reader reads it. */
function failureReason(err: unknown, pack: LoadedPack): string {
  const words = failureWords[pack.language];
  if (Errors.PACK_PARAM_MISSING.is(err)) {
    // The error carries only its English text: the parameter is the pack's one it names.
    const param = Object.keys(pack.paramTitles).find(
      (p) => err.message === Errors.PACK_PARAM_MISSING.message(pack.id, p),
    );
    if (param !== undefined) return words.missingParam(pack.id, param, pack.paramTitles[param]);
  }
  return isReglamentError(err) ? err.message : `${(err as Error).name}: ${(err as Error).message}`;
}

function sameAction(a: Action, b: Action): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Resolves rules that want to write the same field. Precedence is the order of the
 * rules in the pack: the earlier rule's action stands, a later rule's action on the same
 * target is dropped and its decision says so in `conflict` — never silently. An
 * identical action asked twice is done once. A decision that lost an action also loses
 * its comment: it would explain a change that is not made.
 */
function resolveConflicts(decisions: Decision[], language: Language): void {
  const claimed = new Map<string, { rule: string; action: Action }>();
  for (const d of decisions) {
    const notes: string[] = [];
    const kept = d.actions.filter((action) => {
      const target = actionTarget(action);
      if (target === undefined) return true;
      const owner = claimed.get(target);
      if (!owner) {
        claimed.set(target, { rule: d.rule, action });
        return true;
      }
      if (owner.rule === d.rule && !sameAction(owner.action, action)) return true;
      if (!sameAction(owner.action, action)) notes.push(conflictWords[language](target, owner.rule));
      return false;
    });
    d.actions = notes.length ? kept.filter((a) => a.type !== "comment") : kept;
    if (notes.length) d.conflict = notes.join("; ");
  }
}

/**
 * Evaluates a pack's rules on one change of one ticket. Pure and deterministic: the same
 * input gives the same decisions in the same order. A rule that throws, or takes longer
 * than its time budget, yields one `error` decision and the others still run. Rules see
 * the tracker's texts cut to `matchCaps`. Changes made by the bridge itself are not
 * evaluated, so its own corrections can never start a loop.
 */
export function evaluate(
  pack: LoadedPack,
  ticket: Ticket,
  change: Change,
  context: EvaluationContext,
): Decision[] {
  if (change.actor.role === "bridge") return [];
  const phase = ticket.status.phase ?? (pack.statuses[ticket.status.value]?.phase as StatusPhase | undefined);
  const seen = ticketForMatching(ticket);
  const resolved: Ticket =
    phase === seen.status.phase ? seen : { ...seen, status: { ...seen.status, phase } };
  const seenChange = changeForMatching(change);
  const budget = context.ruleBudgetMs ?? RULE_BUDGET_MS;
  const ruleContext: RuleContext = {
    packId: pack.id,
    language: pack.language,
    now: context.now,
    params: pack.params,
    paramTitles: pack.paramTitles,
    statuses: pack.statuses,
    display: pack.display,
    openTickets: context.openTickets?.map(ticketForMatching),
    ...(context.afterGrace ? { afterGrace: true } : {}),
    ...(context.tracker ? { tracker: context.tracker } : {}),
    ...(context.links ? { links: context.links } : {}),
  };

  const decisions: Decision[] = [];
  for (const entry of pack.rules) {
    const citation = pack.citation(entry.section);
    // The findings, or why there are none to trust.
    let result: Finding[] | string;
    const started = performance.now();
    try {
      result = entry.rule.check({
        ticket: resolved,
        change: seenChange,
        actor: seenChange.actor,
        options: entry.options,
        context: ruleContext,
      });
    } catch (err) {
      result = failureReason(err, pack);
    }
    const took = performance.now() - started;
    if (typeof result !== "string" && took > budget)
      result = failureWords[pack.language].overBudget(Math.round(took), budget);
    if (typeof result === "string") {
      decisions.push({
        rule: entry.id,
        pack: pack.id,
        outcome: "error",
        message: failureWords[pack.language].failed(entry.id, result),
        citation,
        actions: [],
        alerts: [],
      });
      continue;
    }
    for (const f of result) {
      const message = format(entry.rule.messages[pack.language][f.messageId] ?? f.messageId, f.data);
      const actions = [...(f.actions ?? [])];
      if (f.explain) {
        actions.push({
          type: "comment",
          body: `${message}\n\n${footer[pack.language](entry.id, citation)}`,
          public: true,
        });
      }
      decisions.push({
        rule: entry.id,
        pack: pack.id,
        outcome: f.outcome,
        message,
        citation,
        actions,
        alerts: f.alerts ?? [],
        ...(f.graceSeconds && !context.afterGrace ? { graceSeconds: f.graceSeconds } : {}),
      });
    }
  }
  resolveConflicts(
    decisions.filter((d) => d.graceSeconds === undefined),
    pack.language,
  );
  return decisions;
}
