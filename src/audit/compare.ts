import type { Finding } from "./run.js";

export interface FindingDiff {
  ticket: string;
  rule: string;
  kind: "new" | "gone" | "changed";
  before?: Pick<Finding, "outcome" | "message" | "actions">;
  after?: Pick<Finding, "outcome" | "message" | "actions">;
}

const essence = (f: Finding) => ({ outcome: f.outcome, message: f.message, actions: f.actions });

/** Only what an edited pack would decide differently on the same tickets: new, gone and changed findings. */
export function compareFindings(deployed: readonly Finding[], edited: readonly Finding[]): FindingDiff[] {
  const key = (f: Finding) => `${f.ticket}\u0000${f.rule}`;
  const before = new Map(deployed.map((f) => [key(f), f]));
  const after = new Map(edited.map((f) => [key(f), f]));
  const out: FindingDiff[] = [];
  for (const [k, f] of after) {
    const old = before.get(k);
    if (!old) out.push({ ticket: f.ticket, rule: f.rule, kind: "new", after: essence(f) });
    else if (JSON.stringify(essence(old)) !== JSON.stringify(essence(f)))
      out.push({ ticket: f.ticket, rule: f.rule, kind: "changed", before: essence(old), after: essence(f) });
  }
  for (const [k, f] of before)
    if (!after.has(k)) out.push({ ticket: f.ticket, rule: f.rule, kind: "gone", before: essence(f) });
  return out.sort(
    (a, b) => a.ticket.localeCompare(b.ticket, undefined, { numeric: true }) || a.rule.localeCompare(b.rule),
  );
}
