import { readdirSync } from "node:fs";
import { packsDir } from "../paths.js";

/** The pack ids shipped with the project: one YAML file per regulation in policies/packs/. */
export function listPackIds(dir = packsDir): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -".yaml".length))
    .sort();
}
