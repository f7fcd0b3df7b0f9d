import { describe, expect, it } from "vitest";
import { redactUrlsInText } from "../../src/config/redact-url.js";

describe("URLs hidden in a free text (an error that may quote a tracker)", () => {
  it("answers on RE2 for 100 KB made to make the pattern backtrack, and still hides what it must", () => {
    const dotted = "a.".repeat(50_000);
    expect(redactUrlsInText(dotted)).toBe(dotted);
    const schemes = "x://".repeat(25_000);
    expect(redactUrlsInText(schemes)).toBe(schemes);
    expect(redactUrlsInText(`${dotted} see https://user:pw@host/x`)).toBe(`${dotted} see https://***@host/x`);
  });
});
