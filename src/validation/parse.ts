import type { z } from "zod";
import { Errors } from "../errors/catalogue.js";
import { type ExplainOptions, explainIssues } from "./explain-issues.js";

/**
 * `safeParse`, cheap when the input is valid: zod's compiled object parser stands aside
 * when asked to report inputs, which doubles the cost of every valid webhook; so the inputs
 * are asked for only in a second pass, over a value already known to be invalid.
 */
export function safeParseReporting<S extends z.ZodType>(schema: S, input: unknown) {
  const result = schema.safeParse(input);
  return result.success ? result : schema.safeParse(input, { reportInput: true });
}

/** Parses input with a schema, or throws REG_INPUT_INVALID with one line per problem. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
  opts: Omit<ExplainOptions, "input" | "schema"> = {},
): z.infer<S> {
  const result = safeParseReporting(schema, input);
  if (result.success) return result.data;
  const problems = explainIssues(result.error.issues, { ...opts, input, schema });
  throw Errors.INPUT_INVALID.withDetails(problems, what, problems.length);
}
