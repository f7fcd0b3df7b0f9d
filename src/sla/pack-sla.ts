import { dirname, resolve } from "node:path";
import { BusinessCalendar } from "../calendar/business-calendar.js";
import type { CalendarOverride } from "../calendar/spec.js";
import type { LoadedPack } from "../engine/pack-loader.js";
import { Errors } from "../errors/catalogue.js";
import { explainIssues } from "../validation/explain-issues.js";
import { type SlaSpec, SlaSpec as SlaSpecSchema } from "./sla-spec.js";

export interface PackTime {
  calendar: BusinessCalendar;
  /** Undefined when the regulation sets no deadlines. */
  sla?: SlaSpec;
}

/**
 * The calendar and SLA table of a pack, validated (statuses they name must be the pack's)
 * and with the deployment's calendar override applied (`packs.<id>.calendar`).
 */
export function packTime(pack: LoadedPack, override?: CalendarOverride, configDir?: string): PackTime {
  if (pack.calendar === undefined) {
    throw Errors.PACK_INVALID.withDetails(
      [`calendar: is required: give zone, country and week`],
      pack.file,
      1,
    );
  }
  const own = pack.calendar as { extraDaysOff?: string[]; extraWorkingDays?: string[]; icsFiles?: string[] };
  const spec = override
    ? {
        ...own,
        extraDaysOff: [...(own.extraDaysOff ?? []), ...override.extraDaysOff],
        extraWorkingDays: [...(own.extraWorkingDays ?? []), ...override.extraWorkingDays],
        // The override's files are relative to the configuration, the pack's to the pack.
        icsFiles: [
          ...(own.icsFiles ?? []),
          ...override.icsFiles.map((f) => resolve(configDir ?? process.cwd(), f)),
        ],
      }
    : own;
  const calendar = BusinessCalendar.fromSpec(spec, `pack ${pack.id} (${pack.file})`, dirname(pack.file));
  if (pack.sla === undefined) return { calendar };

  const parsed = SlaSpecSchema.safeParse(pack.sla, { reportInput: true });
  if (!parsed.success) {
    const problems = explainIssues(parsed.error.issues, { input: pack.sla, schema: SlaSpecSchema }).map(
      (p) => `sla.${p}`,
    );
    throw Errors.PACK_INVALID.withDetails(problems, pack.file, problems.length);
  }
  const sla = parsed.data;
  const named = [
    ...(sla.pauseStatuses ?? []),
    ...(sla.autoClose ? [...sla.autoClose.statuses, sla.autoClose.to] : []),
  ];
  const unknown = named.filter((s) => !(s in pack.statuses));
  if (unknown.length) {
    const problems = unknown.map(
      (s) => `sla: status "${s}" is not a status of this pack (${Object.keys(pack.statuses).join(", ")})`,
    );
    throw Errors.PACK_INVALID.withDetails(problems, pack.file, problems.length);
  }
  return { calendar, sla };
}
