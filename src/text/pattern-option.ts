import { z } from "zod";
import { linearProblem } from "./linear.js";

/**
 * A pack's option that is a case-insensitive pattern over tracker text. It will run on
 * RE2, so the pack is refused at load, at this option, with what to change, when RE2
 * cannot run it.
 */
export const PatternOption = z
  .string()
  .min(1)
  .superRefine((pattern, ctx) => {
    const problem = linearProblem(pattern, "iu");
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
