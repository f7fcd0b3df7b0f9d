/**
 * What a pack will ask of a tracker, in neutral terms: the writes its rules make and the
 * ways of working its regulation assumes of people. Each adapter checks them at start-up
 * against the tracker's own permissions and settings, so an administrator learns before
 * the first ticket what the tracker will refuse.
 */
export type TrackerNeed =
  /** The bridge posts comments. */
  | { kind: "comment" }
  /** The bridge sets a field of the Ticket model (`priority`, `impact`, `line`, …). */
  | { kind: "setField"; field: string }
  /** The bridge adds and removes labels. */
  | { kind: "labels" }
  /** The bridge moves tickets into this status (a normalised value). */
  | { kind: "transition"; status: string }
  /** The bridge assigns tickets. */
  | { kind: "assign" }
  /** …and hands tickets to their reporters, who must be allowed to be assignees. */
  | { kind: "assignReporter" }
  /** The bridge writes (notes, corrections) on tickets while they are in this status. */
  | { kind: "writeInStatus"; status: string }
  /** The bridge creates tickets (linked reports) in this project. */
  | { kind: "createLinked"; project: string }
  /** The regulation forbids a status change on assignment (Sevastopol 5). */
  | { kind: "statusKeptOnAssign" }
  /**
   * The regulation has the reporter check a resolved ticket and close it (or say it is
   * not solved): the reporter must be able to comment on and close a ticket in these statuses.
   */
  | { kind: "reporterClosesResolved"; resolved: readonly string[]; closed: string };

/**
 * What the start-up check learned of how a tracker's project works, for rules whose right
 * action depends on it; a fact is absent where nothing was checked (an example tracker, a
 * check that failed, an adapter that cannot tell).
 */
export interface TrackerFacts {
  /** The reporter may close a resolved ticket (MantisBT: allow_reporter_close, the thresholds). */
  reporterCloses?: boolean;
}

export interface NeedOrigin {
  pack: string;
  /** The rule entry's id, or "sla" for the pack's clocks. */
  rule: string;
  section: string;
}

/** A need and the rule of the pack that has it, so a problem names why it matters. */
export type PackNeed = TrackerNeed & { by: NeedOrigin };

export interface CapabilityProblem {
  project: string;
  /**
   * `blocks`: the tracker will refuse the bridge's write, so the pack cannot do what it
   * says; `hinders`: a tracker setting works against the regulation (the bridge still acts).
   */
  severity: "blocks" | "hinders";
  /** The need it concerns; absent for a problem of the intake (a webhook that will not arrive). */
  need?: PackNeed;
  /** The permission or setting to change, in the tracker's own words. */
  setting: string;
  /** One line for the administrator: what will fail, and what to change. */
  message: string;
}
