import { describe, expect, it } from "vitest";
import { disagreement, disagreementPatterns, wordCount } from "../../../policies/support/disagreement.js";
import { isLinear } from "../../../src/text/linear.js";

describe("a customer's disagreement", () => {
  it("reads whole words: no letter right before, none right after where the pattern says so", () => {
    expect(disagreement("Я не согласен с решением")).toBe(true);
    expect(disagreement("Не согласна")).toBe(true);
    expect(disagreement("вне согласования")).toBe(false);
    expect(disagreement("заявка не решена.")).toBe(true);
    expect(disagreement("не решенаяя")).toBe(false);
    expect(disagreement("Проблема осталась")).toBe(true);
    expect(disagreement("по-прежнему не печатает")).toBe(true);
    expect(disagreement("It is still not fixed")).toBe(true);
    expect(disagreement("Спасибо, всё работает")).toBe(false);
  });

  it("takes a no-break space for a space, as JavaScript's \\s did", () => {
    expect(disagreement("Не\u00a0согласен")).toBe(true);
    expect(disagreement("still\u00a0broken")).toBe(true);
  });

  it("answers on RE2 for 100 KB comments made to make its patterns backtrack", () => {
    expect(disagreementPatterns.every(isLinear)).toBe(true);
    const space = " ".repeat(100_000);
    expect(disagreement(`не${space}x`)).toBe(false);
    expect(disagreement(`не${space}согласен`)).toBe(true);
    expect(disagreement(`still${space}`)).toBe(false);
    expect(disagreement("снова не".repeat(12_500))).toBe(false);
    expect(disagreement(`проблема${"\u00a0".repeat(100_000)}`)).toBe(false);
    expect(wordCount("слово, ".repeat(14_000))).toBe(14_000);
  });
});
