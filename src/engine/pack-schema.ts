import { z } from "zod";
import { Mode } from "../config/schema.js";
import { StatusPhase, TrackerKind } from "../domain/enums.js";

/** A word in both languages the bridge speaks. */
const Words = z.strictObject({ ru: z.string().min(1), en: z.string().min(1) });
export type Words = z.infer<typeof Words>;

const StatusEntry = z.strictObject({ phase: StatusPhase, ru: z.string().min(1), en: z.string().min(1) });

export const RuleEntry = z.strictObject({
  rule: z.string().min(1),
  /** Names this use of the rule when a pack uses a rule twice; decisions carry it. Default: the rule id. */
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/)
    .optional(),
  /** The regulation's section this rule enforces, cited in every message. */
  section: z.string().min(1),
  options: z.record(z.string(), z.unknown()).default({}),
});
export type RuleEntry = z.infer<typeof RuleEntry>;

/** The YAML file of a policy pack (policies/packs/<id>.yaml): pure data. */
export const PackFile = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  regulation: z.strictObject({ file: z.string().min(1), title: Words }),
  /** The tracker the regulation's team uses; informative, a pack may govern any tracker. */
  tracker: z.union([TrackerKind, z.literal("any")]),
  language: z.enum(["ru", "en"]).default("ru"),
  mode: Mode.default("dry-run"),
  /** Deployment facts the rules refer to, with what each names; values come from the config. */
  params: z.record(z.string(), Words).default({}),
  vocabulary: z.strictObject({
    statuses: z.record(z.string(), StatusEntry),
    impacts: z.record(z.string(), Words).default({}),
    priorities: z.record(z.string(), Words).default({}),
    types: z.record(z.string(), Words).default({}),
  }),
  rules: z.array(RuleEntry).min(1),
  /** Sections owned by the SLA and calendar layer; validated there. */
  calendar: z.unknown().optional(),
  sla: z.unknown().optional(),
});
export type PackFile = z.infer<typeof PackFile>;
