import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonDepthExceeds } from "../../src/server/json-depth.js";

const nested = (depth: number) => Buffer.from(`${"[".repeat(depth)}${"]".repeat(depth)}`);

function depthOf(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  const children = Object.values(value as object);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe("jsonDepthExceeds", () => {
  it("refuses one level past the limit and lets the limit itself through", () => {
    expect(jsonDepthExceeds(nested(64), 64)).toBe(false);
    expect(jsonDepthExceeds(nested(65), 64)).toBe(true);
  });

  it("counts nesting, not brackets: many shallow objects pass", () => {
    const wide = Buffer.from(JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ i, tags: [i] }))));
    expect(jsonDepthExceeds(wide, 64)).toBe(false);
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    const body = Buffer.from(JSON.stringify({ text: `say \\"${"[{".repeat(200)}` }));
    expect(jsonDepthExceeds(body, 64)).toBe(false);
    expect(jsonDepthExceeds(Buffer.from(`{"a":"\\"",${"[".repeat(70)}`), 64)).toBe(true);
  });

  it("agrees with the depth of the parsed document", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 0, max: 12 }), (value, limit) => {
        const body = Buffer.from(JSON.stringify(value));
        expect(jsonDepthExceeds(body, limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 500 },
    );
  });
});
