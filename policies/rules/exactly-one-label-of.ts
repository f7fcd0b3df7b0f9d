import { z } from "zod";
import type { Action } from "../../src/domain/action.js";
import { defineRule } from "../../src/engine/rule.js";
import { touched } from "../support/change-facts.js";
import { undeclaredParams } from "../support/option-refs.js";
import { resolveUser, UserRef } from "../support/user-ref.js";

const Options = z
  .strictObject({
    /** The group's labels from lowest to highest; the order decides which one is kept. */
    labels: z.array(z.string().min(1)).optional(),
    /** Or: every label starting with this prefix (e.g. "priority::"); ranked by `labels` when given. */
    prefix: z.string().min(1).optional(),
    /** What the group is called in messages, e.g. "приоритета". */
    groupName: z.string().min(1),
    /** A marker label set while no label of the group is present, removed once one is. */
    missingLabel: z.string().min(1).optional(),
    /** Whom the "set one" comment addresses; default the assignee, else the reporter. */
    addressTo: UserRef.optional(),
  })
  .refine((o) => o.labels !== undefined || o.prefix !== undefined, {
    message: "give the group as labels (a list) or as a prefix",
  });
type Options = z.infer<typeof Options>;

function members(options: Options, labels: readonly string[]): string[] {
  return labels.filter(
    (l) =>
      (options.labels?.includes(l) ?? false) ||
      (options.prefix !== undefined && l.startsWith(options.prefix)),
  );
}

function rankIn(options: Options, label: string): number {
  return options.labels?.indexOf(label) ?? -1;
}

export default defineRule<Options, "none" | "several" | "resolved">({
  id: "exactly-one-label-of",
  description:
    "A ticket carries exactly one label of a group: none → ask for one; several → keep the highest.",
  options: Options,
  messages: {
    ru: {
      none: "@{to}, у задачи нет метки {group}. Установите ровно одну из: {choices}.",
      several: "У задачи несколько меток {group} ({found}); оставлена старшая «{kept}», остальные сняты.",
      resolved: "Метка {group} установлена; служебная метка «{marker}» снята.",
    },
    en: {
      none: "@{to}, the issue has no {group} label. Set exactly one of: {choices}.",
      several:
        'The issue has several {group} labels ({found}); the highest, "{kept}", was kept and the others removed.',
      resolved: 'A {group} label is set; the marker label "{marker}" was removed.',
    },
  },
  validate: (options, pack) => undeclaredParams([options.addressTo], pack, "addressTo"),
  needs: () => [{ kind: "comment" }, { kind: "labels" }],
  check(input) {
    const { ticket, change, options } = input;
    if (!touched(change, "labels")) return [];
    const present = members(options, ticket.labels);
    const marker = options.missingLabel;
    if (present.length === 0) {
      if (marker && ticket.labels.includes(marker)) return [];
      const to = options.addressTo
        ? resolveUser(options.addressTo, input)
        : (ticket.assignee ?? ticket.reporter).id;
      const choices = (options.labels ?? [`${options.prefix}…`]).map((l) => `«${l}»`).join(", ");
      return [
        {
          outcome: "violation",
          messageId: "none",
          data: { to, group: options.groupName, choices },
          actions: marker ? [{ type: "addLabel", label: marker }] : [],
          explain: true,
        },
      ];
    }
    const cleanup: Action[] =
      marker && ticket.labels.includes(marker) ? [{ type: "removeLabel", label: marker }] : [];
    if (present.length === 1) {
      if (cleanup.length === 0) return [];
      return [
        {
          outcome: "info",
          messageId: "resolved",
          data: { group: options.groupName, marker: marker! },
          actions: cleanup,
        },
      ];
    }
    // Highest by the group's order; among unranked labels (prefix groups) the first listed wins.
    const kept = present.reduce((best, l) => (rankIn(options, l) > rankIn(options, best) ? l : best));
    const removed = present.filter((l) => l !== kept);
    return [
      {
        outcome: "violation",
        messageId: "several",
        data: { group: options.groupName, found: present.map((l) => `«${l}»`).join(", "), kept },
        actions: [...removed.map((label) => ({ type: "removeLabel" as const, label })), ...cleanup],
        explain: true,
      },
    ];
  },
});
