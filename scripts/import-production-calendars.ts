/**
 * Generates src/calendar/production/{ru,by}.json from the production calendars in
 * ../shared/calendars/<country>/<year>.xml (xmlcalendar format, see its README).
 * Run `npm run calendars:import` after adding a year's XML; the JSON is committed, so
 * the bridge never needs the shared folder at run time.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { packageRoot } from "../src/paths.js";
import { scriptArgs } from "./script-args.js";

const target = join(packageRoot, "src/calendar/production");
const usage = `usage: npm run calendars:import [-- FOLDER]

Regenerates src/calendar/production/ru.json and by.json from the xmlcalendar files
FOLDER/ru/<year>.xml and FOLDER/by/<year>.xml (default FOLDER: ../shared/calendars).
Takes a second or two.

options:
  -h, --help   this text; changes nothing
`;
const { positionals } = scriptArgs("calendars:import", usage, {}, { max: 1, what: "one folder" });
const source = resolve(positionals[0] ?? join(packageRoot, "../shared/calendars"));
for (const country of ["ru", "by"])
  if (!existsSync(join(source, country))) {
    console.error(
      `calendars:import: ${join(source, country)} does not exist; name the folder holding ru/ and by/ (npm run calendars:import -- FOLDER)`,
    );
    process.exit(2);
  }

/** The legal sources named in shared/calendars/README.md; other years cite the annual decree generically. */
const decrees: Record<string, string> = {
  "ru-2026": "Постановление Правительства РФ от 24.09.2025 № 1466",
  "by-2026": "Постановление Совета Министров Республики Беларусь от 22.07.2025 № 397",
};
const genericDecree: Record<string, string> = {
  ru: "ежегодное постановление Правительства РФ о переносе выходных дней",
  by: "ежегодное постановление Совета Министров Республики Беларусь о переносе рабочих дней",
};

interface XmlDay {
  d: string;
  t: string;
  h?: string;
  f?: string;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  isArray: (name) => name === "day" || name === "holiday",
});

for (const country of ["ru", "by"]) {
  const years: Record<string, unknown> = {};
  for (const file of readdirSync(join(source, country))
    .filter((f) => /^\d{4}\.xml$/.test(f))
    .sort()) {
    const xml = parser.parse(readFileSync(join(source, country, file), "utf8"));
    const cal = xml.calendar;
    const year = String(cal.year);
    const titles = new Map<string, string>(
      (cal.holidays?.holiday ?? []).map((h: { id: string; title: string }) => [String(h.id), h.title]),
    );
    const days: Record<string, unknown> = {};
    for (const day of (cal.days?.day ?? []) as XmlDay[]) {
      const [mm, dd] = day.d.split(".");
      const key = `${mm}-${dd}`;
      if (day.t === "1") {
        days[key] = day.h
          ? { kind: "holiday", title: titles.get(String(day.h)) ?? "праздник" }
          : day.f
            ? { kind: "dayOff", movedFrom: day.f.replace(".", "-") }
            : { kind: "dayOff" };
      } else if (day.t === "2") {
        days[key] = { kind: "short" };
      } else if (day.t === "3") {
        days[key] = { kind: "working" };
      } else {
        throw new Error(`${country}/${file}: day ${day.d} has unknown type t="${day.t}"`);
      }
    }
    years[year] = {
      decree: decrees[`${country}-${year}`] ?? genericDecree[country],
      source: `xmlcalendar/data ${country}/${year}/calendar.xml (published ${cal.date})`,
      days,
    };
  }
  const out = join(target, `${country}.json`);
  writeFileSync(out, `${JSON.stringify({ country, years }, null, 2)}\n`);
  console.log(`${out}: years ${Object.keys(years).join(", ")}`);
}
