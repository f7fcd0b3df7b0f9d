import type { Change } from "../../src/domain/change.js";
import type { Ticket } from "../../src/domain/ticket.js";
import type { AnyRule, Finding, RuleContext } from "../../src/engine/rule.js";
import { NOW } from "./tickets.js";

/** Runs one rule directly with parsed options and a minimal context: the unit under test is the rule alone. */
export function runRule(
  rule: AnyRule,
  rawOptions: unknown,
  ticket: Ticket,
  change: Change,
  extra: Partial<RuleContext> = {},
): Finding[] {
  const options = rule.options.parse(rawOptions);
  const context: RuleContext = {
    packId: "test-pack",
    language: "ru",
    now: NOW,
    params: {},
    paramTitles: {},
    statuses: {
      new: { phase: "new" },
      inProgress: { phase: "in_progress" },
      feedback: { phase: "waiting_customer" },
      needInfo: { phase: "waiting_customer" },
      checked: { phase: "in_progress" },
      production: { phase: "in_progress" },
      closed: { phase: "closed" },
      duplicate: { phase: "cancelled" },
    },
    display: (_scale, value) => value,
    ...extra,
  };
  return rule.check({ ticket, change, actor: change.actor, options, context });
}
