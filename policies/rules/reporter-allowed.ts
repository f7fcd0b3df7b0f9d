import { z } from "zod";
import { Role } from "../../src/domain/enums.js";
import { defineRule } from "../../src/engine/rule.js";
import { isCreation } from "../support/change-facts.js";
import { undeclaredParams } from "../support/option-refs.js";
import { resolveUser, UserRef } from "../support/user-ref.js";

const Options = z.strictObject({
  /** Roles whose members are designated reporters (from the config's actors). */
  roles: z.array(Role).min(1).default(["line1"]),
  /** Further designated users by tracker id. */
  users: z.array(z.string().min(1)).default([]),
  /** Who is told about a ticket from someone else (Sevastopol: the head of ОСИС). */
  notify: UserRef,
});
type Options = z.infer<typeof Options>;

export default defineRule<Options, "notDesignated">({
  id: "reporter-allowed",
  description:
    "Only designated reporters may create tickets; a ticket from anyone else is reported to the responsible head.",
  options: Options,
  messages: {
    ru: {
      notDesignated:
        "@{notify}, заявку создал пользователь @{reporter}, который не является назначенным ответственным лицом медицинской организации. Создавать заявки имеют право только назначенные ответственные лица.",
    },
    en: {
      notDesignated:
        "@{notify}, this ticket was created by @{reporter}, who is not a designated reporter. Only designated persons may create tickets.",
    },
  },
  validate: (options, pack) => undeclaredParams([options.notify], pack, "notify"),
  needs: () => [{ kind: "comment" }],
  check(input) {
    const { ticket, change, options, actor } = input;
    if (!isCreation(change)) return [];
    const reporter = actor.id === ticket.reporter.id ? actor : ticket.reporter;
    const designated =
      (reporter.role !== undefined && options.roles.includes(reporter.role)) ||
      options.users.includes(reporter.id);
    if (designated) return [];
    return [
      {
        outcome: "violation",
        messageId: "notDesignated",
        data: { notify: resolveUser(options.notify, input), reporter: reporter.id },
        explain: true,
      },
    ];
  },
});
