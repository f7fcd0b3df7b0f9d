/**
 * Whether a ticket's description tells of several problems («Обращение должно описывать
 * одну проблему»), and why it seems so. Three signs, each needing two different faults:
 *
 * - a list (numbered `1.`/`1)` or bulleted `-`/`•`/`*`) of which two or more items state
 *   a fault («не открывается», «ошибка», «зависает»…) — steps to reproduce a single fault
 *   are a list too, but only their last item states the fault;
 * - a joiner («также», «а также», «и ещё», «кроме того», «помимо этого», «ещё одна
 *   проблема», "also") opening a sentence or clause that states a fault, after another
 *   sentence that states one;
 * - two or more different error messages or codes («ошибка 500» and «ошибка 403»).
 *
 * What is not a fault: the outcome of a try («не помогло», «перезагрузка не помогла»).
 */

const faultPatterns: readonly RegExp[] = [
  /(?<!\p{L})не\s+(открыва|работа|сохраня|печата|отобража|формиру|загружа|запуска|отправля|приход|провод|подписыва|выгружа|находит|видн|удаётся|удается|получается)\p{L}*/iu,
  /(?<!\p{L})(ошибк|сбой|зависа|завис|пада|вылета|пропал|пропадает|исчез|тормоз|не\s+могу|невозможно)\p{L}*/iu,
  /\b(error|fails?|crash\w*|does not|doesn't|cannot|can't)\b/i,
];
const notAFault = /(?<!\p{L})не\s+помог\p{L}*/giu;

const states = (text: string) => {
  const cleaned = text.replace(notAFault, " ");
  return faultPatterns.some((p) => p.test(cleaned));
};

const listItem = /^\s*(?:\d{1,2}[.)]|[-•*–])\s+(.+)$/;
const joiner =
  /(?:^|[.!?;,]\s*)(?:а\s+)?(также|и\s+ещё|и\s+еще|кроме\s+того|помимо\s+этого|ещё\s+одна\s+проблема|еще\s+одна\s+проблема|вторая\s+проблема|also|in\s+addition|another\s+problem)(?!\p{L})/iu;
const errorMessage = /(?:ошибк\p{L}*|error)\s*[:№#]?\s*(\d{3,5}|«[^»]{3,80}»|"[^"]{3,80}")/giu;

export interface SeveralProblems {
  /** Which sign: `list`, `joiner` or `errors`. */
  sign: "list" | "joiner" | "errors";
  /** The parts that state different faults, as written (shortened). */
  parts: string[];
}

const short = (s: string) => (s.length > 60 ? `${s.slice(0, 57).trimEnd()}…` : s.trim());

export function severalProblems(text: string): SeveralProblems | undefined {
  const items = text
    .split(/\r?\n/)
    .map((line) => listItem.exec(line)?.[1])
    .filter((item): item is string => item !== undefined);
  const faulty = items.filter(states);
  if (faulty.length >= 2) return { sign: "list", parts: faulty.map(short) };

  const sentences = text
    .split(/(?<=[.!?;])\s+|\r?\n+/)
    .map((s) => s.trim())
    .filter(Boolean);
  for (let i = 0; i < sentences.length; i++) {
    const sentence = sentences[i]!;
    const m = joiner.exec(sentence);
    if (!m) continue;
    const after = sentence.slice(m.index + m[0].length);
    const before = [...sentences.slice(0, i), sentence.slice(0, m.index)].join(" ");
    if (states(after) && states(before)) return { sign: "joiner", parts: [short(before), short(after)] };
  }

  const messages = new Set([...text.matchAll(errorMessage)].map((m) => m[1]!.toLowerCase()));
  if (messages.size >= 2) return { sign: "errors", parts: [...messages].map(short) };
  return undefined;
}
