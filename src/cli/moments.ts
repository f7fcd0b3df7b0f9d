import { DateTime } from "luxon";
import type { BusinessCalendar } from "../calendar/business-calendar.js";
import type { Config } from "../config/schema.js";
import type { Language } from "../engine/rule.js";
import { Errors } from "../errors/catalogue.js";
import { packsInUse } from "../runtime/deployment-packs.js";
import type { Io } from "./io.js";
import { hasOffset } from "./options.js";
import { packForCli, timeForCli } from "./pack-setup.js";

/**
 * A moment given on the command line, on the pack's calendar. One without an offset is
 * read as a local time of the pack's zone, and the command says so (on stderr, so the
 * output stays the same for a script). `whose` names the zone when the pack was chosen
 * for the command rather than named by the person.
 */
export function readMoment(
  io: Io,
  option: string,
  text: string,
  calendar: BusinessCalendar,
  whose?: string,
  /** The language of the note: the pack's, when the command knows its pack. */
  language: Language = "en",
): number {
  const t = calendar.parse(text);
  if (!hasOffset(text))
    io.err(
      language === "ru"
        ? `заметка: в ${option} ${text} не указано смещение; время прочитано в ${whose ?? "часовом поясе пакета"} ${calendar.zone}: ${calendar.iso(t)}\n`
        : `note: ${option} ${text} has no offset; read in ${whose ?? "the pack's zone"} ${calendar.zone}: ${calendar.iso(t)}\n`,
    );
  return t;
}

/**
 * For the commands whose dates span packs (`decisions`, `history export`): reads a date or
 * moment as an instant (ISO 8601, UTC). One without an offset is read in the zone of the
 * pack --pack names, or else of the configuration's first pack — the only one of most
 * deployments — never in the machine's zone nor in UTC; the note says which pack when
 * the configuration has several. The pack is loaded only when a date needs its zone.
 */
export function instantReader(
  io: Io,
  config: Config,
  configFile: string,
  named: string | undefined,
  /** How the person chooses another zone, for the note. */
  another: string,
): (option: string, text: string) => string {
  let zone: { calendar: BusinessCalendar; whose: string } | undefined;
  const zoneOf = () => {
    if (zone) return zone;
    const inUse = packsInUse(config);
    const id = named ?? inUse[0];
    if (!id)
      throw Errors.USAGE(
        "the configuration has no pack in whose zone a date without an offset could be read; give the offset (2026-03-01T00:00:00+03:00)",
      );
    zone = {
      calendar: timeForCli(packForCli(id, configFile)).calendar,
      whose:
        named || inUse.length === 1
          ? "the pack's zone"
          : `the zone of ${id}, the first of the configuration's packs (${another}),`,
    };
    return zone;
  };
  return (option, text) => {
    if (!hasOffset(text)) {
      const { calendar, whose } = zoneOf();
      return new Date(readMoment(io, option, text, calendar, whose)).toISOString();
    }
    const t = DateTime.fromISO(text, { setZone: true });
    if (!t.isValid)
      throw Errors.INPUT_UNREADABLE(
        `${option} "${text}"`,
        "expected ISO 8601 such as 2026-03-01T09:00:00+03:00",
      );
    return t.toUTC().toISO()!;
  };
}
