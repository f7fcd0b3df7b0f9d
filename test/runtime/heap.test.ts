import { describe, expect, it } from "vitest";
import { heapAdvice, heapLimitMb } from "../../src/runtime/heap.js";

describe("heap advice at start-up", () => {
  it("names a limit of gigabytes and the flag that sizes it for the bridge", () => {
    const advice = heapAdvice(4144);
    expect(advice).toMatch(/^Heap: the V8 heap limit is 4,144 MB/);
    expect(advice).toContain('NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=4"');
  });

  it("says nothing when the limit was chosen for the bridge", () => {
    expect(heapAdvice(256 + 32)).toBeUndefined();
    expect(heapAdvice(1024)).toBeUndefined();
  });

  it("reads the running process's limit", () => {
    expect(heapLimitMb()).toBeGreaterThan(0);
  });
});
