import { describe, expect, it } from "vitest";
import { type AdapterFactory, AdapterRegistry } from "../../src/domain/adapter.js";

const fake = (kind: "gitlab" | "mantis"): AdapterFactory => ({
  kind,
  create: () => {
    throw new Error("not used");
  },
});

describe("AdapterRegistry", () => {
  it("returns the factory of a registered kind", () => {
    const registry = new AdapterRegistry([fake("gitlab")]);
    expect(registry.get("gitlab").kind).toBe("gitlab");
  });

  it("fails on another kind listing the valid ones", () => {
    const registry = new AdapterRegistry([fake("mantis"), fake("gitlab")]);
    expect(() => registry.get("jira")).toThrow(
      'no adapter is registered for tracker kind "jira"; valid kinds: gitlab, mantis',
    );
  });
});
