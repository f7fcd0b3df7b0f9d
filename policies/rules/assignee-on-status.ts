import { z } from "zod";
import type { Action } from "../../src/domain/action.js";
import { defineRule, type Finding } from "../../src/engine/rule.js";
import { enteredStatus, hasComment } from "../support/change-facts.js";
import { undeclaredParams, unknownStatuses } from "../support/option-refs.js";
import { resolveUser, UserRef } from "../support/user-ref.js";

const Requirement = z.strictObject({
  status: z.string().min(1),
  assignee: UserRef,
  /** The change into this status must carry a comment (e.g. the question for "feedback"). */
  requireComment: z.boolean().default(false),
  /**
   * How long after the status change the comment may still come (a person often sets the
   * status, then writes the note; a poll can fall in between). The bridge judges then.
   */
  commentGraceSeconds: z.number().int().min(0).max(86_400).default(120),
});

const Options = z.strictObject({ requirements: z.array(Requirement).min(1) });
type Options = z.infer<typeof Options>;

type MessageId = "reassigned" | "commentMissing";

export default defineRule<Options, MessageId>({
  id: "assignee-on-status",
  description: "Entering a status sets who must be responsible (e.g. feedback/resolved → the reporter).",
  options: Options,
  messages: {
    ru: {
      reassigned: "В статусе «{status}» ответственным должен быть {who}; ответственный изменён на @{to}.",
      commentMissing:
        "@{actor}, при переводе в статус «{status}» нужно написать комментарий с вопросом к инициатору. Добавьте его.",
    },
    en: {
      reassigned: 'In status "{status}" the assignee must be {who}; the assignee was changed to @{to}.',
      commentMissing:
        '@{actor}, moving the ticket to "{status}" needs a comment with the question. Please add it.',
    },
  },
  validate: (options, pack) => [
    ...unknownStatuses(
      options.requirements.map((r) => r.status),
      pack,
    ),
    ...undeclaredParams(
      options.requirements.map((r) => r.assignee),
      pack,
      "assignee",
    ),
  ],
  needs: (options) => [
    { kind: "comment" },
    { kind: "assign" },
    ...options.requirements.map((r) => ({ kind: "writeInStatus" as const, status: r.status })),
    ...(options.requirements.some((r) => r.assignee === "reporter")
      ? [{ kind: "assignReporter" as const }]
      : []),
  ],
  check(input) {
    const { ticket, change, options, context } = input;
    const entered = enteredStatus(ticket, change);
    if (entered === undefined) return [];
    const findings: Finding<MessageId>[] = [];
    for (const req of options.requirements.filter((r) => r.status === entered)) {
      const status = context.display("status", req.status);
      const to = resolveUser(req.assignee, input);
      if (ticket.assignee?.id !== to) {
        const ru = context.language === "ru";
        const who =
          req.assignee === "reporter"
            ? ru
              ? "инициатор заявки"
              : "the reporter"
            : typeof req.assignee === "object" && "param" in req.assignee
              ? (context.paramTitles[req.assignee.param] ?? req.assignee.param)
              : `@${to}`;
        const actions: Action[] = [{ type: "assign", to }];
        findings.push({
          outcome: "violation",
          messageId: "reassigned",
          data: { status, who, to },
          actions,
          explain: true,
        });
      }
      // The request stands only while the ticket is still in that status.
      if (req.requireComment && !hasComment(change) && ticket.status.value === req.status) {
        findings.push({
          outcome: "violation",
          messageId: "commentMissing",
          data: { status, actor: input.actor.id },
          explain: true,
          ...(req.commentGraceSeconds > 0 ? { graceSeconds: req.commentGraceSeconds } : {}),
        });
      }
    }
    return findings;
  },
});
