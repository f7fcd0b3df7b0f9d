import ICAL from "ical.js";

/**
 * Days off from an iCalendar file (a customer's or a region's holiday calendar): every
 * date covered by an event, recurring events expanded within the given years. All-day
 * events cover [DTSTART, DTEND); a timed event marks the dates it touches.
 */
export function daysOffFromIcs(text: string, years: readonly [number, number]): string[] {
  const root = new ICAL.Component(ICAL.parse(text));
  const dates = new Set<string>();
  const [first, last] = years;
  for (const vevent of root.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(vevent);
    const starts: ICAL.Time[] = [];
    if (event.isRecurring()) {
      const it = event.iterator();
      for (let next = it.next(); next && next.year <= last; next = it.next()) {
        if (next.year >= first) starts.push(next);
      }
    } else {
      starts.push(event.startDate);
    }
    const lengthDays = Math.max(1, Math.ceil(event.duration.toSeconds() / 86_400));
    for (const start of starts) {
      for (let i = 0; i < lengthDays; i++) {
        const day = start.clone();
        day.isDate = true;
        day.adjust(i, 0, 0, 0);
        if (day.year >= first && day.year <= last) dates.add(day.toString());
      }
    }
  }
  return [...dates].sort();
}
