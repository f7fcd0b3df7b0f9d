import { describe, expect, it } from "vitest";
import { ruleCatalogue } from "../../policies/rules/index.js";
import { loadPack } from "../../src/engine/pack-loader.js";

/** A tracker can name a status, type or priority after what every JavaScript object inherits. */
const inherited = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"];

describe("a pack's vocabulary, looked up by the tracker's value", () => {
  const pack = loadPack("sevastopol-miac", { rules: ruleCatalogue });

  it("knows its own statuses and nothing inherited", () => {
    expect(pack.statuses.new?.phase).toBeDefined();
    for (const value of inherited) expect(pack.statuses[value], value).toBeUndefined();
  });

  it("shows such a value as the tracker wrote it, in every scale", () => {
    for (const value of inherited)
      for (const scale of ["status", "priority", "impact", "type"] as const)
        expect(pack.display(scale, value), `${scale} ${value}`).toBe(value);
  });
});
