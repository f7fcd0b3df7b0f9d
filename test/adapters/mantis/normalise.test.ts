import { describe, expect, it } from "vitest";
import { ticketFromIssue } from "../../../adapters/mantis/normalise.js";
import { MantisIssue } from "../../../adapters/mantis/payloads.js";
import { mantisIssue, mantisNormaliser } from "../../helpers/mantis.js";

const n = mantisNormaliser();
const read = (name: string) => ticketFromIssue(n, MantisIssue.parse(mantisIssue(name)));

describe("MantisBT issue → ticket (recorded 2.28 responses)", () => {
  it("reads names, never the Russian labels: severity is the impact, category the type, the custom field the line", () => {
    const t = read("19-get-issue-escalated");
    expect(t).toMatchObject({
      ref: {
        tracker: "mantis",
        instance: "sev",
        project: "1",
        id: "3",
        url: "https://mantis.test/view.php?id=3",
      },
      title: "Опечатка в бланке результата анализа крови",
      type: { value: "Лаборатория", native: 4 },
      impact: { value: "minor", native: 50 },
      priority: { value: "low", native: 20 },
      status: { value: "assigned", native: 50 },
      line: 2,
      reporter: { id: "line1", name: "Оператор первой линии" },
      assignee: { id: "line2", name: "Инженер второй линии" },
      createdAt: "2026-11-24T07:59:11+03:00",
      updatedAt: "2026-11-24T07:59:25+03:00",
      custom: { "Линия поддержки": "2", "Внешний ID": "" },
    });
    expect(t.comments).toEqual([
      {
        id: "3",
        author: { id: "line1", name: "Оператор первой линии" },
        body: "Пациенты жалуются, просьба исправить до понедельника.",
        public: true,
        createdAt: "2026-11-24T07:59:25+03:00",
      },
    ]);
    expect(t.history).toContainEqual({
      field: "line",
      from: 1,
      to: 2,
      by: { id: "administrator" },
      at: "2026-11-24T07:59:19+03:00",
    });
    expect(t.history).toContainEqual(
      expect.objectContaining({ field: "assignee", from: undefined, to: "line2" }),
    );
    expect(t.history).toContainEqual(
      expect.objectContaining({ field: "status", from: "new", to: "assigned" }),
    );
  });

  it("keeps a private note private and an unassigned issue without assignee", () => {
    const privateNote = read("08b-add-private-note");
    expect(privateNote.comments.at(-1)?.public).toBe(false);
    expect(read("05-create-issue-minimal-defaults").assignee).toBeUndefined();
  });

  it("reads an enum MantisBT stored as 0 (an unknown name was sent) as unknown, keeping the id", () => {
    const t = read("E04-patch-invalid-severity-name-accepted");
    expect(t.impact).toEqual({ value: "unknown", native: 0 });
  });
});
