import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { listPackIds } from "../../src/engine/pack-catalogue.js";
import { exampleConfigPath } from "../../src/paths.js";
import { defaultAdapterRegistry } from "../../src/runtime/adapters.js";

/** Zod's own description of a schema, walked for the keys a configuration file may hold. */
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  valueType?: Schema;
  element?: Schema;
  options?: Schema[];
}
type Schema = { _zod?: { def?: Def } };

function keysOf(schema: Schema, path: string[] = []): string[][] {
  const def = schema._zod?.def;
  if (!def) return [];
  switch (def.type) {
    case "object":
      return Object.entries(def.shape ?? {}).flatMap(([k, v]) => [[...path, k], ...keysOf(v, [...path, k])]);
    case "optional":
    case "default":
    case "prefault":
    case "nullable":
    case "readonly":
    case "catch":
    case "nonoptional":
      return keysOf(def.innerType!, path);
    case "pipe":
      return [...keysOf(def.in!, path), ...keysOf(def.out!, path)];
    case "record":
      return keysOf(def.valueType!, [...path, "<name>"]);
    case "array":
      return keysOf(def.element!, [...path, "[]"]);
    case "union":
      return (def.options ?? []).flatMap((o) => keysOf(o, path));
    default:
      return [];
  }
}

describe("the example configuration", () => {
  it("shows every key of the configuration schema (as a setting or in a comment)", () => {
    const text = readFileSync(exampleConfigPath, "utf8");
    const schema = configSchema(listPackIds(), defaultAdapterRegistry().optionSchemas()) as unknown as Schema;
    const keys = keysOf(schema);
    expect(keys.length).toBeGreaterThan(50);
    const missing = keys
      .filter((path) => !new RegExp(`(^|[\\s{,#])${path.at(-1)}:`, "m").test(text))
      .map((path) => path.join("."));
    expect(missing).toEqual([]);
  });
});
