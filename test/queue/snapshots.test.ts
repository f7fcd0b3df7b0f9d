import { describe, expect, it } from "vitest";
import { ticketFromIssue } from "../../adapters/mantis/normalise.js";
import { MantisIssue } from "../../adapters/mantis/payloads.js";
import { diffSnapshot, snapshotOf } from "../../src/queue/snapshots.js";
import { mantisIssue, mantisNormaliser } from "../helpers/mantis.js";

const ticket = (name: string) => ticketFromIssue(mantisNormaliser(), MantisIssue.parse(mantisIssue(name)));

describe("the change a ticket shows against the bridge's snapshot", () => {
  it("first sighting of a ticket edited only at its creation: its creation by the reporter", () => {
    const t = ticket("05-create-issue-minimal-defaults");
    expect(diffSnapshot(undefined, t)).toEqual({
      kind: "created",
      actor: t.reporter,
      at: t.createdAt,
      fields: [],
    });
  });

  it("first sighting of a ticket edited later: its latest edit, from the history", () => {
    // Recorded issue 3 as the escalation left it: reported by line1, then handler, status and line by the administrator.
    const change = diffSnapshot(undefined, ticket("11-patch-escalate-to-line2"));
    expect(change).toMatchObject({
      kind: "updated",
      actor: { id: "administrator" },
      at: "2026-11-24T07:59:19+03:00",
    });
    expect(change!.fields).toEqual(
      expect.arrayContaining([
        { field: "line", from: 1, to: 2 },
        { field: "assignee", from: undefined, to: "line2" },
      ]),
    );
  });

  it("first sighting of a ticket commented on last: that comment", () => {
    // Recorded issue 3 later: line1 added a note after the escalation.
    expect(diffSnapshot(undefined, ticket("19-get-issue-escalated"))).toMatchObject({
      kind: "commented",
      actor: { id: "line1" },
      comment: { body: "Пациенты жалуются, просьба исправить до понедельника." },
    });
  });

  it("against a snapshot: the fields that differ, a new comment, the actor the history names last", () => {
    const before = snapshotOf(ticket("17-get-issue-as-reporter"));
    const now = ticket("19-get-issue-escalated");
    const change = diffSnapshot({ ...before, priority: "normal" }, now);
    expect(change?.fields).toContainEqual({ field: "priority", from: "normal", to: "low" });
    expect(diffSnapshot(snapshotOf(now), now)).toBeUndefined();
  });
});
