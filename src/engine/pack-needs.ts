import type { PackNeed, TrackerNeed } from "../domain/tracker-needs.js";
import type { SlaSpec } from "../sla/sla-spec.js";
import type { LoadedPack } from "./pack-loader.js";

/** What makes two needs the same, so each is checked (and reported) once per pack. */
function identity(need: TrackerNeed): string {
  switch (need.kind) {
    case "setField":
      return `setField:${need.field}`;
    case "transition":
      return `transition:${need.status}`;
    case "writeInStatus":
      return `writeInStatus:${need.status}`;
    case "createLinked":
      return `createLinked:${need.project}`;
    default:
      return need.kind;
  }
}

/**
 * Everything a loaded pack will ask of its tracker: each rule's needs for its options,
 * and the SLA's auto-close transition and comments. The first rule that has a need is
 * named as its origin.
 */
export function packNeeds(pack: LoadedPack, sla?: SlaSpec): PackNeed[] {
  const found = new Map<string, PackNeed>();
  const add = (needs: readonly TrackerNeed[], rule: string, section: string) => {
    for (const need of needs) {
      const id = identity(need);
      if (!found.has(id)) found.set(id, { ...need, by: { pack: pack.id, rule, section } });
    }
  };
  for (const entry of pack.rules) {
    add(entry.rule.needs?.(entry.options, { statuses: pack.statuses }) ?? [], entry.id, entry.section);
  }
  if (sla?.autoClose) {
    add([{ kind: "comment" }, { kind: "transition", status: sla.autoClose.to }], "sla", sla.section);
  }
  return [...found.values()];
}
