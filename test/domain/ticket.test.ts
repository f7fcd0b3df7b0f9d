import { describe, expect, it } from "vitest";
import { Change } from "../../src/domain/change.js";
import { Ticket } from "../../src/domain/ticket.js";
import { ReglamentError } from "../../src/errors/catalogue.js";
import { parseOrThrow } from "../../src/validation/parse.js";

const base = {
  ref: { tracker: "mantis", id: 7 },
  title: "Не открывается карта пациента",
  status: "new",
  reporter: { id: "ivanov" },
  createdAt: "2026-02-20T15:00:00+03:00",
};

describe("Ticket schema", () => {
  it("accepts short forms and keeps native values when given", () => {
    const t = Ticket.parse({ ...base, impact: "block", priority: { value: "normal", native: 30 } });
    expect(t.impact).toEqual({ value: "block" });
    expect(t.priority).toEqual({ value: "normal", native: 30 });
    expect(t.status).toEqual({ value: "new" });
    expect(t.ref).toEqual({ tracker: "mantis", instance: "default", id: "7" });
    expect(t.labels).toEqual([]);
  });

  it("names the field, the allowed values and the nearest one on a bad value", () => {
    try {
      parseOrThrow(Ticket, { ...base, priority: "hgh" }, "ticket.json");
      throw new Error("not rejected");
    } catch (err) {
      const e = err as ReglamentError;
      expect(e.code).toBe("REG_INPUT_INVALID");
      expect(e.details[0]).toMatch(
        /priority\.value: expected one of "none", "low", "normal", "high", "urgent", "immediate", "unknown", found the text "hgh"; did you mean "high"\?/,
      );
    }
  });

  it("says what is missing", () => {
    const { title: _t, ...noTitle } = base;
    expect(() => parseOrThrow(Ticket, noTitle, "ticket.json")).toThrow(ReglamentError);
    try {
      parseOrThrow(Ticket, noTitle, "ticket.json");
    } catch (err) {
      expect((err as ReglamentError).details).toEqual(["title: is required: add a text value here"]);
    }
  });

  it("rejects a date without an offset", () => {
    const r = Ticket.safeParse({ ...base, createdAt: "2026-02-20 15:00" });
    expect(r.success).toBe(false);
  });
});

describe("Change schema", () => {
  it("reads the short single-field form as an update", () => {
    const c = Change.parse({ field: "priority", from: "high", to: "low", actor: { id: 5 } });
    expect(c).toEqual({
      kind: "updated",
      actor: { id: "5" },
      fields: [{ field: "priority", from: "high", to: "low" }],
    });
  });

  it("reads the full form", () => {
    const c = Change.parse({ kind: "created", actor: { id: "ivanov", role: "line1" } });
    expect(c.kind).toBe("created");
    expect(c.fields).toEqual([]);
  });
});
