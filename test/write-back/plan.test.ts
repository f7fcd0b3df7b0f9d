import { describe, expect, it } from "vitest";
import { Ticket } from "../../src/domain/ticket.js";
import { basisOf, changedMeanwhile, holds, planOf } from "../../src/write-back/plan.js";

const ticket = (over: Record<string, unknown> = {}) =>
  Ticket.parse({
    ref: { tracker: "gitlab", instance: "gl", project: "support", id: "support#1" },
    title: "t",
    status: "opened",
    priority: "high",
    labels: ["Priority: High", "Priority: Medium"],
    reporter: { id: "ivanov" },
    assignee: { id: "petrova" },
    createdAt: "2026-03-02T09:00:00+03:00",
    ...over,
  });
const removeMedium = {
  rule: "one-priority-label",
  actions: [
    { type: "removeLabel" as const, label: "Priority: Medium" },
    { type: "comment" as const, body: "оставлена старшая «Priority: High»", public: true },
  ],
};

describe("a write-back plan", () => {
  it("keeps the basis, the effects that must hold and notes with stable keys", () => {
    const plan = planOf(ticket(), [removeMedium], "ru", "d-1");
    expect(plan.basis).toEqual({
      status: "opened",
      priority: "high",
      assignee: "petrova",
      labels: ["Priority: High", "Priority: Medium"],
    });
    expect(plan.steps).toEqual([
      {
        rule: "one-priority-label",
        effects: [{ type: "removeLabel", label: "Priority: Medium" }],
        notes: [
          expect.objectContaining({
            type: "comment",
            key: expect.stringMatching(/^reglament:[0-9a-f]{16}$/),
          }),
        ],
      },
    ]);
    // A note explaining effects belongs to its decision: another delivery is another note
    // (whether it is posted is up to whose effects they are).
    const key = (t: ReturnType<typeof ticket>, d: string, decision = removeMedium) =>
      planOf(t, [decision], "ru", d).steps[0]!.notes[0]!.key;
    expect(key(ticket(), "d-1")).toBe(plan.steps[0]!.notes[0]!.key);
    expect(key(ticket(), "d-2")).not.toBe(key(ticket(), "d-1"));
    // A request with no effect belongs to the state: the same request on the same state is one note.
    const request = { rule: "ask", actions: [{ type: "comment" as const, body: "?", public: true }] };
    expect(key(ticket({ title: "edited" }), "d-2", request)).toBe(key(ticket(), "d-1", request));
    expect(key(ticket({ assignee: { id: "x" } }), "d-1", request)).not.toBe(key(ticket(), "d-1", request));
  });

  it("tells whether an effect already holds", () => {
    const b = basisOf(ticket());
    expect(holds({ type: "removeLabel", label: "Priority: Medium" }, b)).toBe(false);
    expect(holds({ type: "addLabel", label: "Priority: High" }, b)).toBe(true);
    expect(holds({ type: "setField", field: "priority", value: "high" }, b)).toBe(true);
    expect(holds({ type: "assign", to: "ivanov" }, b)).toBe(false);
    expect(holds({ type: "transition", status: "opened" }, b)).toBe(true);
    expect(holds({ type: "setField", field: "component", value: "x" }, b)).toBeUndefined();
  });

  it("sees a person's edit made meanwhile, and not its own progress", () => {
    const plan = planOf(ticket(), [removeMedium], "ru", "d-1");
    // The bridge's own removal already done (a retry after a crash): not a change by a person.
    expect(changedMeanwhile(plan, basisOf(ticket({ labels: ["Priority: High"] })))).toEqual([]);
    // The person switched to Medium by removing High: the correction would be wrong now.
    expect(changedMeanwhile(plan, basisOf(ticket({ labels: ["Priority: Medium"] })))).toEqual([
      "label «Priority: High»",
    ]);
    expect(changedMeanwhile(plan, basisOf(ticket({ assignee: { id: "sidorov" } })))).toEqual(["assignee"]);
    expect(changedMeanwhile(plan, basisOf(ticket({ title: "only the title" })))).toEqual([]);
  });

  it("lets labels move where the plan sets a field a tracker may carry as labels", () => {
    const plan = planOf(
      ticket({ priority: "low", labels: ["Priority: Low"] }),
      [{ rule: "matrix", actions: [{ type: "setField", field: "priority", value: "high" }] }],
      "ru",
      "d-1",
    );
    expect(changedMeanwhile(plan, basisOf(ticket({ priority: "high", labels: ["Priority: High"] })))).toEqual(
      [],
    );
    expect(changedMeanwhile(plan, basisOf(ticket({ priority: "normal", labels: [] })))).toEqual(["priority"]);
  });
});
