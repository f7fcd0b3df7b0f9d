import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseOrThrow, safeParseReporting } from "../../src/validation/parse.js";

const Hook = z.object({ user: z.object({ username: z.string().min(1) }), iid: z.number().int() });

describe("safeParseReporting", () => {
  it("returns the parsed value of a valid input, unknown fields dropped", () => {
    const result = safeParseReporting(Hook, { user: { username: "op", extra: 1 }, iid: 3, more: true });
    expect(result).toEqual({ success: true, data: { user: { username: "op" }, iid: 3 } });
  });

  it("reports the offending input of an invalid one, for the explanation", () => {
    const result = safeParseReporting(Hook, { user: { username: "" }, iid: 2.5 });
    expect(result.success).toBe(false);
    const issues = result.error!.issues;
    expect(issues.map((i) => [i.path.join("."), i.input])).toEqual([
      ["user.username", ""],
      ["iid", 2.5],
    ]);
  });

  it("lets parseOrThrow name the path and the value", () => {
    let details: unknown;
    try {
      parseOrThrow(Hook, { user: { username: "op" }, iid: "7" }, "a hook");
    } catch (err) {
      details = (err as { details?: unknown }).details;
    }
    expect(details).toEqual([expect.stringMatching(/^iid: expected a number, found the text "7"/)]);
  });
});
