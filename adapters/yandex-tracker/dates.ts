/**
 * Yandex Tracker writes offsets without a colon (`2017-06-11T05:16:01.339+0000`), which
 * ISO 8601 parsers and the neutral model's timestamps refuse; the colon is put back.
 */
const tracker = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})$/;

export function trackerDate(text: string): string | undefined {
  const m = tracker.exec(text);
  if (!m) return undefined;
  const zone = m[2] === "Z" ? "Z" : `${m[2]!.slice(0, 3)}:${m[2]!.slice(-2)}`;
  const iso = `${m[1]}${zone}`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

/** The form the API's filters take: milliseconds and a colon-less offset. */
export function toTrackerDate(iso: string): string {
  return new Date(iso).toISOString().replace("Z", "+0000");
}
