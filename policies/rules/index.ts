import type { AnyRule } from "../../src/engine/rule.js";
import assigneeOnStatus from "./assignee-on-status.js";
import autoAssign from "./auto-assign.js";
import closeNeedsApproval from "./close-needs-approval.js";
import commentOnFinalStatus from "./comment-on-final-status.js";
import duplicateSuspect from "./duplicate-suspect.js";
import escalationRouting from "./escalation-routing.js";
import exactlyOneLabelOf from "./exactly-one-label-of.js";
import impactPriorityMatrix from "./impact-priority-matrix.js";
import linkedIssueRequired from "./linked-issue-required.js";
import linkedTicketOnStatus from "./linked-ticket-on-status.js";
import onePerTicket from "./one-problem-per-ticket.js";
import personalData from "./personal-data.js";
import reasonRequiredOnTypeChange from "./reason-required-on-type-change.js";
import reopenOnDisagreement from "./reopen-on-disagreement.js";
import reporterAllowed from "./reporter-allowed.js";
import requiredFields from "./required-fields.js";
import solutionDescribed from "./solution-described.js";
import statusKeptOnAssign from "./status-kept-on-assign.js";
import statusMovesOn from "./status-moves-on.js";
import statusTransitionGuard from "./status-transition-guard.js";
import templateCompleteness from "./template-completeness.js";

/** Every rule a pack may name, by id. */
export const ruleCatalogue: ReadonlyMap<string, AnyRule> = new Map(
  [
    impactPriorityMatrix,
    requiredFields,
    exactlyOneLabelOf,
    escalationRouting,
    assigneeOnStatus,
    statusTransitionGuard,
    statusKeptOnAssign,
    statusMovesOn,
    commentOnFinalStatus,
    reasonRequiredOnTypeChange,
    personalData,
    duplicateSuspect,
    templateCompleteness,
    reporterAllowed,
    linkedTicketOnStatus,
    solutionDescribed,
    autoAssign,
    reopenOnDisagreement,
    closeNeedsApproval,
    onePerTicket,
    linkedIssueRequired,
  ].map((r) => [r.id, r as AnyRule]),
);
