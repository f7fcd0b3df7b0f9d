import { ruWorkingDays } from "../calendar/explain-words.js";
import type { Language } from "../engine/rule.js";

/** The words of a clock's "why" lines (`ClockReport.explain`) and of the auto-close title, in the pack's language. */
export interface ClockWords {
  autoCloseTitle(to: string): string;
  noTarget(type: string, priority: string): string;
  notStarted: string;
  target(duration: string, time: "working" | "calendar", types: string, priorities: string): string;
  any: string;
  tableDays(written: string, days: number, endIso: string): string;
  started(iso: string, executorLine: boolean): string;
  pausedSpan(fromIso: string, toIso: string, excluded: string): string;
  stopped(iso: string): string;
  pausedNow(status: string): string;
  running: string;
  elapsed(elapsed: string, paused: string): string;
  extended(untilIso: string, section: string, by: string, proposedIso: string, agreedIso: string): string;
  notIn(statuses: readonly string[]): string;
  autoCloseSince(status: string, sinceIso: string, after: string): string;
  reporterAnswered(at: string): string;
}

export const clockWords: Record<Language, ClockWords> = {
  en: {
    autoCloseTitle: (to) => `auto-close → ${to}`,
    noTarget: (type, priority) => `no target for type ${type} / priority ${priority} (by agreement)`,
    notStarted: "not started: the ticket has not reached the executor's line",
    target: (d, time, types, priorities) =>
      `target ${d} of ${time} time (row: types ${types}; priorities ${priorities})`,
    any: "any",
    tableDays: (written, days, end) =>
      `the table's ${written}: ${days} working day${days === 1 ? "" : "s"} from the start end ${end} — the same time of day, however long the days between`,
    started: (iso, executor) =>
      `started ${iso}${executor ? " (reached the executor's line)" : " (ticket created)"}`,
    pausedSpan: (a, b, excluded) => `paused ${a} → ${b} (${excluded} excluded)`,
    stopped: (iso) => `stopped ${iso}`,
    pausedNow: (status) => `paused now (status ${status})`,
    running: "running",
    elapsed: (e, p) => `elapsed ${e}, paused ${p}`,
    extended: (until, section, by, proposed, agreed) =>
      `extended to ${until} by agreement (${section}): proposed by @${by} ${proposed}, agreed by the reporter ${agreed}`,
    notIn: (statuses) => `not in ${statuses.join(" / ")}`,
    autoCloseSince: (status, since, after) =>
      `in status ${status} since ${since}; closes after ${after} of working time without the reporter's answer`,
    reporterAnswered: (at) => `the reporter answered ${at}`,
  },
  ru: {
    autoCloseTitle: (to) => `автозакрытие → ${to}`,
    noTarget: (type, priority) => `нет нормы для типа ${type} / приоритета ${priority} (по согласованию)`,
    notStarted: "не начат: обращение ещё не дошло до линии исполнителя",
    target: (d, time, types, priorities) =>
      `норма ${d} ${time === "working" ? "рабочего" : "календарного"} времени (строка: типы ${types}; приоритеты ${priorities})`,
    any: "любые",
    tableDays: (written, days, end) =>
      `${written} по таблице: ${ruWorkingDays(days)} от начала истекают ${end} — в то же время суток, какой бы длины ни были дни между ними`,
    started: (iso, executor) =>
      `начат ${iso}${executor ? " (обращение дошло до линии исполнителя)" : " (обращение создано)"}`,
    pausedSpan: (a, b, excluded) => `пауза ${a} → ${b} (не засчитано ${excluded})`,
    stopped: (iso) => `остановлен ${iso}`,
    pausedNow: (status) => `сейчас на паузе (статус ${status})`,
    running: "идёт",
    elapsed: (e, p) => `прошло ${e}, на паузе ${p}`,
    extended: (until, section, by, proposed, agreed) =>
      `срок продлён до ${until} по согласованию (${section}): предложил @${by} ${proposed}, заявитель согласился ${agreed}`,
    notIn: (statuses) => `не в статусе ${statuses.join(" / ")}`,
    autoCloseSince: (status, since, after) =>
      `в статусе ${status} с ${since}; закрывается через ${after} рабочего времени без ответа заявителя`,
    reporterAnswered: (at) => `заявитель ответил ${at}`,
  },
};
