import { describe, expect, it } from "vitest";
import { isLinear, linear, linearProblem } from "../../src/text/linear.js";

describe("linear patterns", () => {
  it("keeps JavaScript's \\s and \\S (Unicode white space), which RE2 alone reads as ASCII", () => {
    const words = linear(/срок\s+до\S*/iu);
    expect(words.test("Срок\u00a0до 10.03")).toBe(true);
    expect(words.test("срок\u2009до")).toBe(true);
    expect(linear("^[^\\s,]+$").test("a\u00a0b")).toBe(false);
    expect(linear("^\\S+$").test("a\u202fb")).toBe(false);
    // An escaped backslash before an s is a backslash and an s.
    expect(linear("a\\\\s").test("a\\s")).toBe(true);
  });

  it("takes a RegExp with its flags, or with flags given", () => {
    expect(linear(/ab/i).flags).toContain("i");
    expect(linear(/ab/i, "g").flags).not.toContain("i");
    expect(isLinear(linear("x"))).toBe(true);
    expect(isLinear(/x/)).toBe(false);
  });

  it("says what to change in a pattern RE2 cannot run, in the pattern's own words", () => {
    expect(linearProblem("продлева\\S*\\s+срок", "iu")).toBeUndefined();
    const lookBehind = linearProblem("(?<!не\\s)согласен", "iu")!;
    expect(lookBehind).toContain("/(?<!не\\s)согласен/");
    expect(lookBehind).toMatch(/no look-around .* match the neighbouring text itself instead/);
    expect(linearProblem("(a)\\1")).toMatch(/back-references/);
    const unclosed = linearProblem("срок\\s+(до")!;
    expect(unclosed).toMatch(/missing \): срок\\s\+\(до/);
    expect(linearProblem("[\\S]")).toMatch(/\\S inside \[…\]/);
  });
});
