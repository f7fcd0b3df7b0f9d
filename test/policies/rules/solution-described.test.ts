import { describe, expect, it } from "vitest";
import rule from "../../../policies/rules/solution-described.js";
import { runRule } from "../../helpers/rule-harness.js";
import { change, created, ticket } from "../../helpers/tickets.js";

/** Krasnoyarsk 6.9: «При закрытии обращения ВЛТП описывает детальное решение». */
const statuses = {
  new: { phase: "new" },
  inProgress: { phase: "in_progress" },
  waiting: { phase: "waiting_customer" },
  resolved: { phase: "resolved" },
  closed: { phase: "closed" },
};
const vltp = { id: "vltp", line: 2 as const, role: "line2" as const };
const inWorkAt = "2026-02-20T10:00:00+03:00";
const base = {
  status: "resolved",
  createdAt: "2026-02-20T09:00:00+03:00",
  history: [{ field: "status", from: "new", to: "inProgress", by: vltp, at: inWorkAt }],
};
const resolving = (from = "inProgress", comment?: { body: string }) =>
  change({
    kind: "updated",
    actor: vltp,
    fields: [{ field: "status", from, to: "resolved" }],
    ...(comment
      ? { comment: { id: "n1", author: vltp, body: comment.body, createdAt: "2026-02-20T11:59:00+03:00" } }
      : {}),
  });
const run = (options: object, t: ReturnType<typeof ticket>, c = resolving()) =>
  runRule(rule, options, t, c, { statuses });
const description = "Перезапущена служба обмена с ЕГИСЗ, очередь сообщений отправлена заново";

describe("solution-described (6.9)", () => {
  it("6.9: resolving with no description puts the ticket back to the status it came from, asking for one, after the grace period", () => {
    const [f] = run({}, ticket(base));
    expect(f).toMatchObject({
      outcome: "violation",
      messageId: "undescribedReverted",
      actions: [{ type: "transition", status: "inProgress" }],
      explain: true,
      graceSeconds: 120,
    });
    expect(f?.data).toEqual({ status: "resolved", previous: "inProgress" });
  });

  it("6.9: the executor's public description since the ticket went into work is enough — in the ticket or in the change itself", () => {
    const comments = [{ id: "c1", author: vltp, body: description, createdAt: "2026-02-20T11:00:00+03:00" }];
    expect(run({}, ticket({ ...base, comments }))).toEqual([]);
    expect(run({}, ticket(base), resolving("inProgress", { body: description }))).toEqual([]);
  });

  it("a private note, the reporter's own words, a line-1 answer, a mere «Готово», or a description older than the work do not describe the solution", () => {
    const at = "2026-02-20T11:00:00+03:00";
    for (const c of [
      { id: "c1", author: vltp, body: description, createdAt: at, public: false },
      { id: "c2", author: { id: "ivanov", line: 2 as const }, body: description, createdAt: at },
      { id: "c3", author: { id: "pltp", line: 1 as const }, body: description, createdAt: at },
      { id: "c4", author: vltp, body: "Готово", createdAt: at },
      { id: "c5", author: vltp, body: description, createdAt: "2026-02-20T09:30:00+03:00" },
    ]) {
      const t = ticket({ ...base, reporter: { id: "ivanov" }, comments: [c] });
      expect(run({}, t), c.id).toHaveLength(1);
    }
  });

  it("mode comment only asks; closing a resolved ticket is only asked about, never put back", () => {
    expect(run({ mode: "comment" }, ticket(base))[0]).toMatchObject({
      messageId: "undescribed",
      actions: [],
    });
    const closing = change({
      kind: "updated",
      actor: vltp,
      fields: [{ field: "status", from: "resolved", to: "closed" }],
    });
    expect(run({}, ticket({ ...base, status: "closed" }), closing)[0]).toMatchObject({
      messageId: "undescribed",
      actions: [],
    });
  });

  it("judges nothing else: a creation, another status, a status the ticket has already left", () => {
    expect(run({}, ticket(base), created())).toEqual([]);
    const waiting = change({
      kind: "updated",
      actor: vltp,
      fields: [{ field: "status", from: "inProgress", to: "waiting" }],
    });
    expect(run({}, ticket({ ...base, status: "waiting" }), waiting)).toEqual([]);
    expect(run({}, ticket({ ...base, status: "inProgress" }))).toEqual([]);
  });
});
