import { z } from "zod";
import type { Action } from "../../src/domain/action.js";
import { Line } from "../../src/domain/enums.js";
import { defineRule } from "../../src/engine/rule.js";
import { isCreation, touched } from "../support/change-facts.js";
import { undeclaredParams } from "../support/option-refs.js";
import { FieldName, isMissing } from "../support/ticket-fields.js";
import { resolveUser, UserRef } from "../support/user-ref.js";

const Assignment = z
  .strictObject({
    /** Tickets of these types (MantisBT categories, Yandex Tracker issue types, GitLab type labels)… */
    types: z.array(z.string().min(1)).optional(),
    /** …in these projects or queues (all when absent)… */
    projects: z.array(z.string().min(1)).optional(),
    /** …go to this executor (a user, or a parameter of the deployment)… */
    assignTo: UserRef.optional(),
    /** …or into this line's queue. */
    toLine: Line.optional(),
  })
  .refine((a) => a.assignTo !== undefined || a.toLine !== undefined, {
    message: "say where the ticket goes: assignTo (a user or { param }), toLine (a line's queue), or both",
  });

const Options = z.strictObject({
  /** The rules of distribution, first match wins; none: the rule does nothing (the deployment's to write). */
  assignments: z.array(Assignment).default([]),
  /** "Correctly filled": these fields must be there before the ticket is distributed. */
  requiredFields: z.array(FieldName).default(["title", "description", "type", "priority"]),
});
type Options = z.infer<typeof Options>;

type MessageId = "assigned";

export default defineRule<Options, MessageId>({
  id: "auto-assign",
  description:
    "A new, correctly filled ticket without an executor is assigned by the distribution rules (type, project → executor or line).",
  options: Options,
  messages: {
    ru: { assigned: "Заявка заполнена корректно и распределена по правилам: {where}." },
    en: { assigned: "The ticket is filled in correctly and was distributed by the rules: {where}." },
  },
  validate: (options, pack) =>
    undeclaredParams(
      options.assignments.map((a) => a.assignTo),
      pack,
      "assignments[].assignTo",
    ),
  needs: (options) => [
    ...(options.assignments.some((a) => a.assignTo) ? [{ kind: "assign" as const }] : []),
    ...(options.assignments.some((a) => a.toLine) ? [{ kind: "setField" as const, field: "line" }] : []),
  ],
  check(input) {
    const { ticket, change, options, context } = input;
    if (!options.assignments.length || ticket.assignee) return [];
    if ((context.statuses[ticket.status.value]?.phase ?? ticket.status.phase) !== "new") return [];
    // Distributed once it is correctly filled: on creation, or when a missing field is given later.
    if (!isCreation(change) && !options.requiredFields.some((f) => touched(change, f))) return [];
    if (options.requiredFields.some((f) => isMissing(ticket, f))) return [];
    const type = ticket.type?.value;
    const project = ticket.ref.project;
    const rule = options.assignments.find(
      (a) =>
        (!a.types || (type !== undefined && a.types.includes(type))) &&
        (!a.projects || (project !== undefined && a.projects.includes(project))),
    );
    if (!rule) return [];
    const actions: Action[] = [];
    const where: string[] = [];
    const ru = context.language === "ru";
    if (rule.toLine && ticket.line !== rule.toLine) {
      actions.push({ type: "setField", field: "line", value: rule.toLine });
      where.push(ru ? `в очередь ${rule.toLine}-й линии` : `to the line ${rule.toLine} queue`);
    }
    if (rule.assignTo) {
      const to = resolveUser(rule.assignTo, input);
      actions.push({ type: "assign", to });
      where.push(ru ? `исполнитель @${to}` : `executor @${to}`);
    }
    if (!actions.length) return [];
    return [{ outcome: "info", messageId: "assigned", data: { where: where.join(", ") }, actions }];
  },
});
