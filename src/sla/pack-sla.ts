import { dirname, resolve } from "node:path";
import { BusinessCalendar } from "../calendar/business-calendar.js";
import type { CalendarOverride } from "../calendar/spec.js";
import type { Ticket } from "../domain/ticket.js";
import type { LoadedPack } from "../engine/pack-loader.js";
import { Errors } from "../errors/catalogue.js";
import { explainIssues } from "../validation/explain-issues.js";
import { type SlaOverride, type SlaSpec, SlaSpec as SlaSpecSchema } from "./sla-spec.js";

type CalendarLists = { extraDaysOff?: string[]; extraWorkingDays?: string[]; icsFiles?: string[] } & Record<
  string,
  unknown
>;

export interface PackTime {
  calendar: BusinessCalendar;
  /** Customers' own calendars by project/queue (`packs.<id>.customerCalendars`). */
  customers?: ReadonlyMap<string, BusinessCalendar>;
  /** Undefined when the regulation sets no deadlines. */
  sla?: SlaSpec;
}

/** The calendar a ticket's clocks run on: its customer's, else the pack's. */
export function calendarFor(time: PackTime, ticket: Ticket): BusinessCalendar {
  return calendarOfProject(time, ticket.ref.project);
}

/** The calendar of a ticket of this project (the board knows a ticket by its project only). */
export function calendarOfProject(time: PackTime, project: string | undefined): BusinessCalendar {
  return (project !== undefined ? time.customers?.get(project) : undefined) ?? time.calendar;
}

/**
 * The calendar and SLA table of a pack, validated (statuses they name must be the pack's)
 * and with the deployment's calendar override applied (`packs.<id>.calendar`).
 */
export function packTime(
  pack: LoadedPack,
  settings: {
    calendar?: CalendarOverride | undefined;
    customerCalendars?: Readonly<Record<string, CalendarOverride>> | undefined;
    sla?: SlaOverride | undefined;
  } = {},
  configDir?: string,
): PackTime {
  const override = settings.calendar;
  const customerOverrides = settings.customerCalendars ?? {};
  if (pack.calendar === undefined) {
    throw Errors.PACK_INVALID.withDetails(
      [`calendar: is required: give zone, country and week`],
      pack.file,
      1,
    );
  }
  const own = pack.calendar as CalendarLists;
  const merge = (base: CalendarLists, extra: CalendarOverride): CalendarLists => ({
    ...base,
    ...(extra.zone ? { zone: extra.zone } : {}),
    extraDaysOff: [...(base.extraDaysOff ?? []), ...extra.extraDaysOff],
    extraWorkingDays: [...(base.extraWorkingDays ?? []), ...extra.extraWorkingDays],
    // The override's files are relative to the configuration, the pack's to the pack.
    icsFiles: [
      ...(base.icsFiles ?? []),
      ...extra.icsFiles.map((f) => resolve(configDir ?? process.cwd(), f)),
    ],
  });
  const spec = override ? merge(own, override) : own;
  const calendar = BusinessCalendar.fromSpec(spec, `pack ${pack.id} (${pack.file})`, dirname(pack.file));
  const customers = new Map(
    Object.entries(customerOverrides).map(([customer, extra]) => [
      customer,
      BusinessCalendar.fromSpec(
        merge(spec, extra),
        `packs.${pack.id}.customerCalendars.${customer}`,
        dirname(pack.file),
      ),
    ]),
  );
  const chosen = settings.sla ?? {};
  if (pack.sla === undefined) {
    if (Object.keys(chosen).length)
      throw Errors.PACK_INVALID.withDetails(
        [`packs.${pack.id}.sla: the pack sets no deadlines (its regulation has no SLA table); remove it`],
        pack.file,
        1,
      );
    return { calendar, customers };
  }

  if (chosen.autoCloseAfter && !(pack.sla as { autoClose?: unknown }).autoClose)
    throw Errors.PACK_INVALID.withDetails(
      [`packs.${pack.id}.sla.autoCloseAfter: the pack closes no ticket by itself (it has no sla.autoClose)`],
      pack.file,
      1,
    );
  const written = pack.sla as { autoClose?: Record<string, unknown> } & Record<string, unknown>;
  const input = {
    ...written,
    ...(chosen.pauseStatuses ? { pauseStatuses: chosen.pauseStatuses } : {}),
    ...(chosen.autoCloseAfter && written.autoClose
      ? { autoClose: { ...written.autoClose, after: chosen.autoCloseAfter } }
      : {}),
  };
  const parsed = SlaSpecSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const problems = explainIssues(parsed.error.issues, { input, schema: SlaSpecSchema }).map(
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
  return { calendar, customers, sla };
}
