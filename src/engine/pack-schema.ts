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

/** What an example expects of one decision: its rule, and optionally its outcome, message and the actions that matter. */
const ExpectedDecision = z.strictObject({
  rule: z.string().min(1),
  outcome: z.enum(["violation", "info", "error"]).optional(),
  /** A part of the message. */
  message: z.string().min(1).optional(),
  /** Each must be among the decision's actions (the keys given are compared; a comment's body by a part of it); `[]`: none. */
  actions: z.array(z.record(z.string(), z.unknown())).optional(),
});

/** What an example expects of one SLA clock at the example's moment. */
const ExpectedClock = z.strictObject({
  clock: z.string().min(1),
  /** The clock is not there at all (the regulation sets no such deadline). */
  absent: z.literal(true).optional(),
  state: z.enum(["no_target", "not_started", "running", "paused", "at_risk", "breached", "met"]).optional(),
  /** The target as the table writes it (`5m`, `4h`, `2d`), or `none`. */
  target: z.string().min(1).optional(),
  /** The due moment, ISO 8601 with an offset. */
  due: z.string().min(1).optional(),
});

/**
 * A case the pack must decide as the regulation says, kept beside its rules as ESLint's
 * RuleTester keeps a rule's valid and invalid cases: a ticket (inline, or a JSON file
 * beside the pack), the change (default: its creation by the reporter), the moment, and
 * what is expected — every decision (none when `decisions: []`) and the clocks named.
 */
const Example = z
  .strictObject({
    name: z.string().min(1),
    ticket: z.record(z.string(), z.unknown()).optional(),
    ticketFile: z.string().min(1).optional(),
    change: z.record(z.string(), z.unknown()).optional(),
    now: z.iso.datetime({ offset: true }).optional(),
    /** What the runtime would supply: the ticket's linked tickets (`{ project, id, labels }`). */
    links: z.array(z.record(z.string(), z.unknown())).optional(),
    decisions: z.array(ExpectedDecision).optional(),
    clocks: z.array(ExpectedClock).optional(),
  })
  .refine((e) => (e.ticket === undefined) !== (e.ticketFile === undefined), {
    message: "give the ticket inline (ticket) or as a file beside the pack (ticketFile), not both",
  })
  .refine((e) => e.decisions !== undefined || e.clocks !== undefined, {
    message: "say what is expected: decisions, clocks or both",
  });
export type PackExample = z.infer<typeof Example>;

export const PackExamples = z.strictObject({
  /** Parameters the examples assume when no configuration gives them (people's ids). */
  params: z.record(z.string(), z.unknown()).default({}),
  cases: z.array(Example).min(1),
});
export type PackExamples = z.infer<typeof PackExamples>;

/** The YAML file of a policy pack (policies/packs/<id>.yaml): pure data. */
export const PackFile = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  regulation: z.strictObject({ file: z.string().min(1), title: Words }),
  /** The tracker the regulation's team uses; informative, a pack may govern any tracker. */
  tracker: z.union([TrackerKind, z.literal("any")]),
  language: z.enum(["ru", "en"]).default("ru"),
  mode: Mode.default("dry-run"),
  /**
   * Deployment facts the rules refer to, with what each names; values come from the
   * config. A `default` is the pack's choice where the regulation names none (a marker
   * label), documented as such; without one the deployment must give the value.
   */
  params: z.record(z.string(), Words.extend({ default: z.string().min(1).optional() })).default({}),
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
  examples: PackExamples.optional(),
});
export type PackFile = z.infer<typeof PackFile>;
