import { describe, expect, it } from "vitest";
import { withoutTrailingSlashes } from "../../src/text/base-url.js";

describe("a base URL without its trailing slashes", () => {
  it("drops the slashes at the end only", () => {
    expect(withoutTrailingSlashes("https://gitlab.example/")).toBe("https://gitlab.example");
    expect(withoutTrailingSlashes("https://gitlab.example///")).toBe("https://gitlab.example");
    expect(withoutTrailingSlashes("https://gitlab.example/a")).toBe("https://gitlab.example/a");
    expect(withoutTrailingSlashes("")).toBe("");
  });

  it("answers for 100 KB of slashes that do not end the text (what /\\/+$/ retries from each one)", () => {
    const slashes = "/".repeat(100_000);
    expect(withoutTrailingSlashes(`${slashes}x`)).toBe(`${slashes}x`);
    expect(withoutTrailingSlashes(slashes)).toBe("");
  });
});
