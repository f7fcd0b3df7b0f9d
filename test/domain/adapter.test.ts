import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type AdapterFactory, AdapterRegistry } from "../../src/domain/adapter.js";

const fake = (kind: "gitlab" | "mantis"): AdapterFactory => ({
  kind,
  optionsSchema: z.strictObject({ [`${kind}Only`]: z.string().optional() }),
  create: () => {
    throw new Error("not used");
  },
  readNative: () => {
    throw new Error("not used");
  },
});

describe("AdapterRegistry", () => {
  it("returns the factory of a registered kind", () => {
    const registry = new AdapterRegistry([fake("gitlab")]);
    expect(registry.get("gitlab").kind).toBe("gitlab");
  });

  it("gives each kind's options schema for config validation", () => {
    const schemas = new AdapterRegistry([fake("mantis"), fake("gitlab")]).optionSchemas();
    expect(Object.keys(schemas).sort()).toEqual(["gitlab", "mantis"]);
    expect(schemas.gitlab!.safeParse({ gitlabOnly: "x" }).success).toBe(true);
    expect(schemas.gitlab!.safeParse({ mantisOnly: "x" }).success).toBe(false);
  });

  it("fails on another kind listing the valid ones", () => {
    const registry = new AdapterRegistry([fake("mantis"), fake("gitlab")]);
    expect(() => registry.get("jira")).toThrow(
      'no adapter is registered for tracker kind "jira"; valid kinds: gitlab, mantis',
    );
  });
});
