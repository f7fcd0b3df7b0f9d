import { describe, expect, it } from "vitest";
import { interpolate, type MissingVariable, variablePattern } from "../../src/config/interpolate.js";
import { isLinear } from "../../src/text/linear.js";

describe("interpolate", () => {
  it("replaces variables, applies defaults and keeps escaped dollars", () => {
    const missing: MissingVariable[] = [];
    const out = interpolate(
      { a: "x-${A}-y", b: ["${B:-fallback}"], c: "$${LITERAL}", d: 5 },
      { A: "1" },
      missing,
    );
    expect(out).toEqual({ a: "x-1-y", b: ["fallback"], c: "${LITERAL}", d: 5 });
    expect(missing).toEqual([]);
  });

  it("records each missing variable with its path", () => {
    const missing: MissingVariable[] = [];
    interpolate({ trackers: { g: { token: "${TOKEN}" } } }, {}, missing);
    expect(missing).toEqual([{ name: "TOKEN", path: ["trackers", "g", "token"] }]);
  });

  it("treats an empty variable as unset", () => {
    const missing: MissingVariable[] = [];
    expect(interpolate("${E:-d}", { E: "" }, missing)).toBe("d");
  });

  it("answers on RE2 for a 100 KB value that opens defaults and never closes them", () => {
    expect(isLinear(variablePattern)).toBe(true);
    const missing: MissingVariable[] = [];
    const open = "${A:-".repeat(20_000);
    expect(interpolate(open, {}, missing)).toBe(open);
    expect(missing).toEqual([]);
  });
});
