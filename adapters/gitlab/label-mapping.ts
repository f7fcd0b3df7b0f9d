import { impacts, priorities, rank } from "../../src/domain/enums.js";
import { own } from "../../src/domain/own.js";
import type { GitlabOptions } from "./options.js";

/** The ticket fields GitLab carries as labels. */
export const labelFields = ["priority", "impact", "line", "type"] as const;
export type LabelField = (typeof labelFields)[number];

export interface LabelledValue {
  value: string | number;
  label: string;
}

const order: Record<LabelField, (value: string | number) => number> = {
  priority: (v) => rank(priorities, String(v)),
  impact: (v) => rank(impacts, String(v)),
  line: (v) => Number(v),
  type: () => 0,
};

/**
 * Which labels carry priority, impact, line and type (`options.labels`), both ways:
 * labels → values when reading an issue, value → labels to add and remove when writing.
 */
export class LabelMapping {
  constructor(private readonly map: GitlabOptions["labels"]) {}

  isMapped(field: string): field is LabelField {
    return (labelFields as readonly string[]).includes(field);
  }

  /** The value a field takes from the labels; with several, the highest wins. */
  read(field: LabelField, labels: readonly string[]): LabelledValue | undefined {
    const table: Record<string, string | number> = this.map[field];
    let best: LabelledValue | undefined;
    for (const label of labels) {
      const value = own(table, label);
      if (value === undefined) continue;
      if (!best || order[field](value) > order[field](best.value)) best = { value, label };
    }
    return best;
  }

  /**
   * The labels to add and remove so that the field holds `value`: its label added, every
   * other label of the field removed. With `exclusiveScopes` (GitLab Premium, where adding
   * `priority::high` itself removes the other `priority::` label) the labels of
   * the added label's scope are left to GitLab; when the label is already there nothing
   * is added, so GitLab removes nothing and they are removed here. Undefined when no label
   * means that value.
   */
  write(
    field: LabelField,
    value: unknown,
    labels: readonly string[],
    exclusiveScopes = false,
  ): { add: string[]; remove: string[] } | undefined {
    const table: Record<string, string | number> = this.map[field];
    const target = Object.keys(table).find((l) => String(table[l]) === String(value));
    if (target === undefined) return undefined;
    const add = labels.includes(target) ? [] : [target];
    const scope = scopeOf(target);
    const gitlabRemoves = (l: string) =>
      exclusiveScopes && add.length > 0 && scope !== undefined && scopeOf(l) === scope;
    return {
      add,
      remove: labels.filter((l) => l !== target && Object.hasOwn(table, l) && !gitlabRemoves(l)),
    };
  }

  /** The labels configured for a field, for error messages. */
  choices(field: LabelField): string[] {
    const table: Record<string, string | number> = this.map[field];
    return Object.entries(table).map(([label, value]) => `"${label}" = ${value}`);
  }
}

/**
 * A scoped label's scope: everything before its last `::` (`workflow::backend::review` →
 * `workflow::backend`, GitLab's labels.md "Scoped labels"); undefined for a plain label.
 */
export function scopeOf(label: string): string | undefined {
  const at = label.lastIndexOf("::");
  return at > 0 ? label.slice(0, at) : undefined;
}
