import { describe, expect, it } from "vitest";
import { capped, changeForMatching, matchCaps, ticketForMatching } from "../../src/text/bounds.js";
import { change, NOW, ticket } from "../helpers/tickets.js";

describe("what the patterns read of tracker text", () => {
  it("cuts a text at its cap, never in the middle of a surrogate pair", () => {
    expect(capped("abc", 5)).toBe("abc");
    expect(capped("abcdef", 4)).toBe("abcd");
    expect(capped("ab😀cd", 3)).toBe("ab");
    expect(capped("ab😀cd", 4)).toBe("ab😀");
  });

  it("gives the same ticket and change back when every text fits, as nearly all do", () => {
    const t = ticket({ comments: [{ id: "1", author: { id: "a" }, body: "ok", createdAt: NOW }] });
    expect(ticketForMatching(t)).toBe(t);
    const c = change({ kind: "commented", actor: { id: "a" }, fields: [{ field: "labels", to: ["x"] }] });
    expect(changeForMatching(c)).toBe(c);
  });

  it("cuts the title, description, comments, labels and file names of a ticket, and a change's texts", () => {
    const over = (cap: number) => "x".repeat(cap + 1);
    const t = ticket({
      title: over(matchCaps.title),
      attachments: [{ name: over(matchCaps.fileName) }, { name: "a.png" }],
    });
    const seen = ticketForMatching(t);
    expect(seen.title).toHaveLength(matchCaps.title);
    expect(seen.attachments.map((a) => a.name.length)).toEqual([matchCaps.fileName, 5]);
    expect(seen.description).toBe(t.description);
    const c = changeForMatching(
      change({
        kind: "updated",
        actor: { id: "a" },
        fields: [
          { field: "labels", from: [], to: ["ok", over(matchCaps.label)] },
          { field: "priority", from: "low", to: over(matchCaps.label) },
        ],
      }),
    );
    expect(c.fields[0]!.to).toEqual(["ok", "x".repeat(matchCaps.label)]);
    // A field no pattern reads is passed as it is.
    expect(c.fields[1]!.to).toHaveLength(matchCaps.label + 1);
  });
});
