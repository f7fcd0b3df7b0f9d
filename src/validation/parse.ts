import type { z } from "zod";
import { Errors } from "../errors/catalogue.js";
import { type ExplainOptions, explainIssues } from "./explain-issues.js";

/** Parses input with a schema, or throws REG_INPUT_INVALID with one line per problem. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
  opts: Omit<ExplainOptions, "input" | "schema"> = {},
): z.infer<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const problems = explainIssues(result.error.issues, { ...opts, input, schema });
  throw Errors.INPUT_INVALID.withDetails(problems, what, problems.length);
}
