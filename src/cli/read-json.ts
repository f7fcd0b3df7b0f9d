import { readFileSync } from "node:fs";
import type { z } from "zod";
import { Errors } from "../errors/catalogue.js";
import { parseOrThrow } from "../validation/parse.js";

/** Reads a JSON file and validates it, with a message naming the file and each bad field. */
export function readJsonFile<S extends z.ZodType>(file: string, schema: S, what: string): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw Errors.INPUT_UNREADABLE(
      `${what} "${file}"`,
      (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw Errors.INPUT_UNREADABLE(`${what} "${file}"`, `not valid JSON: ${(err as Error).message}`);
  }
  return parseOrThrow(schema, data, `${what} "${file}"`);
}
