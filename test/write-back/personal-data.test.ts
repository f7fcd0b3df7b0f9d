import { describe, expect, it } from "vitest";
import type { Action } from "../../src/domain/action.js";
import type { TrackerAdapter } from "../../src/domain/adapter.js";
import { Ticket } from "../../src/domain/ticket.js";
import { TrackerRequestError } from "../../src/errors/tracker-error.js";
import { converge } from "../../src/write-back/converge.js";
import { basisOf, changedMeanwhile, planOf } from "../../src/write-back/plan.js";

const ticket = Ticket.parse({
  ref: { tracker: "gitlab", instance: "gl", project: "support", id: "support#1" },
  title: "t",
  status: "opened",
  labels: [],
  reporter: { id: "ivanov" },
  createdAt: "2026-03-02T09:00:00+03:00",
});
// Whole pieces: keys are hex digests, digits too.
const secrets = /112.?233|445.?95|ivanov@|Петров|01\.02\.1980|912\)?.?345/;
const quoting = {
  rule: "one-problem-per-ticket",
  actions: [
    { type: "addLabel" as const, label: "split" },
    {
      type: "comment" as const,
      body: "Похоже, несколько проблем («пациент ПЕТРОВ ПЁТР ПЕТРОВИЧ 01.02.1980 г.р.», «СНИЛС 112 233 445 95»)",
      public: true,
    },
    {
      type: "createLinked" as const,
      project: "support",
      title: "Вторая проблема: пишите ivanov@mail.ru",
      description: "тел. ＋7 912 345‑67‑89",
      labels: [],
      link: "relates_to",
    },
  ],
};

/** A tracker that records what it was asked to write, and refuses labels quoting its input back. */
function tracker(refuse = false) {
  const writes: Action[][] = [];
  const adapter = {
    fetchTicket: async () => ticket,
    async applyActions(_ref: unknown, actions: readonly Action[]) {
      writes.push([...actions]);
      if (refuse && actions.some((a) => a.type === "addLabel"))
        throw new TrackerRequestError({
          instance: "gl",
          what: "label",
          status: 400,
          reason: "label rejected: ticket of Петров Пётр Петрович 01.02.1980, call +7 912 345-67-89",
          retryable: false,
        });
      return { applied: [...actions], skipped: [] };
    },
  } as unknown as TrackerAdapter;
  return { adapter, writes };
}

describe("what the write-back posts carries no personal data", () => {
  it("a rule's comment and a linked ticket are redacted in the plan, so the queued job holds none either", () => {
    const plan = planOf(ticket, [quoting], "ru", "d-1");
    const text = JSON.stringify(plan);
    expect(text).not.toMatch(secrets);
    expect(text).toContain("[birthdate-with-name]");
    expect(text).toContain("[snils]");
  });

  it("the basis the queued job carries holds no label's personal data, and still tells a person's edit", () => {
    const labelled = Ticket.parse({ ...ticket, labels: ["СНИЛС 112-233-445 95"] });
    const plan = planOf(labelled, [quoting], "ru", "d-1");
    expect(plan.basis.labels).toEqual(["СНИЛС [snils]"]);
    expect(changedMeanwhile(plan, basisOf(labelled))).toEqual([]);
    expect(changedMeanwhile(plan, basisOf(ticket))).toEqual(["label «СНИЛС [snils]»"]);
  });

  it("the same decision planned again says the same words under the same key (no second comment)", () => {
    const a = planOf(ticket, [quoting], "ru", "d-1").steps[0]!.notes;
    const b = planOf(ticket, [quoting], "ru", "d-1").steps[0]!.notes;
    expect(b).toEqual(a);
  });

  it("a refusal note quoting the tracker's answer is redacted as it is written", async () => {
    const { adapter, writes } = tracker(true);
    const result = await converge(adapter, ticket.ref, planOf(ticket, [quoting], "ru", "d-1"), "m");
    expect(result).toMatchObject({ refused: [{ action: { type: "addLabel", label: "split" } }] });
    const written = JSON.stringify(writes);
    expect(written).toContain("label rejected");
    expect(written).not.toMatch(secrets);
  });

  it("a plan queued before redaction (an earlier version) is redacted when it is written", async () => {
    const { adapter, writes } = tracker();
    const plan = planOf(ticket, [quoting], "ru", "d-1");
    const comment = plan.steps[0]!.notes[0]!;
    if (comment.type === "comment") comment.body = "позвоните мне, 8 (912) 345-67-89";
    await converge(adapter, ticket.ref, plan, "m");
    expect(JSON.stringify(writes)).not.toMatch(secrets);
    expect(JSON.stringify(writes)).toContain("позвоните мне, [phone]");
  });
});
