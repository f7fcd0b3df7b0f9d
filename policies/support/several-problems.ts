import { matchCaps } from "../../src/text/bounds.js";
import { type LinearPattern, linear } from "../../src/text/linear.js";
import { redactPersonalData } from "../../src/text/personal-data.js";

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

const faultPatterns = [
  linear(
    "(?:^|[^\\p{L}])не\\s+(открыва|работа|сохраня|печата|отобража|формиру|загружа|запуска|отправля|приход|провод|подписыва|выгружа|находит|видн|удаётся|удается|получается)",
    "i",
  ),
  linear(
    "(?:^|[^\\p{L}])(ошибк|сбой|зависа|завис|пада|вылета|пропал|пропадает|исчез|тормоз|не\\s+могу|невозможно)",
    "i",
  ),
  linear("\\b(error|fails?|crash\\w*|does not|doesn't|cannot|can't)\\b", "i"),
];
// The letter before «не» is put back as a space: all that matters is that no fault word is left.
const notAFault = linear("(^|[^\\p{L}])не\\s+помог\\p{L}*", "gi");

const states = (text: string) => {
  const cleaned = notAFault.replace(text, "$1 ");
  return faultPatterns.some((p) => p.test(cleaned));
};

const listItem = linear("^\\s*(?:\\d{1,2}[.)]|[-•*–])\\s+(.+)$");
// The joiner ends where a letter does not follow it (the group after it is given back).
const joiner = linear(
  "(?:^|[.!?;,]\\s*)(?:а\\s+)?(также|и\\s+ещё|и\\s+еще|кроме\\s+того|помимо\\s+этого|ещё\\s+одна\\s+проблема|еще\\s+одна\\s+проблема|вторая\\s+проблема|also|in\\s+addition|another\\s+problem)($|[^\\p{L}])",
  "i",
);
const errorMessage = linear('(?:ошибк\\p{L}*|error)\\s*[:№#]?\\s*(\\d{3,5}|«[^»]{3,80}»|"[^"]{3,80}")', "gi");
const sentenceEnd = linear("([.!?;])\\s+", "g");

/** Every pattern that reads the description: all on RE2 (the security suite checks). */
export const severalProblemsPatterns = [
  ...faultPatterns,
  notAFault,
  listItem,
  joiner,
  errorMessage,
  sentenceEnd,
] as const;

export interface SeveralProblems {
  /** Which sign: `list`, `joiner` or `errors`. */
  sign: "list" | "joiner" | "errors";
  /** The parts that state different faults, as written with personal data redacted, shortened. */
  parts: string[];
}

/**
 * Rules read a description cut at `matchCaps.description` (src/text/bounds.ts): its last
 * line may end in half a number no detector can recognise, so a description that long
 * is read without its last line.
 */
const wholeLines = (description: string) =>
  description.length < matchCaps.description - 1
    ? description
    : description.slice(0, description.lastIndexOf("\n") + 1);

const short = (s: string) => (s.length > 60 ? `${s.slice(0, 57).trimEnd()}…` : s.trim());

/**
 * The parts are quoted back to the people on the ticket, so they are taken from the text
 * redacted as a whole — a name in one item and a birth date in the next are still a pair
 * — and only then shortened: a cut can no longer hide half a number from the detectors.
 */
export function severalProblems(description: string): SeveralProblems | undefined {
  const text = redactPersonalData(wholeLines(description));
  const lines = text.split("\n").map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
  const items = lines
    .map((line) => listItem.exec(line)?.[1])
    .filter((item): item is string => item !== undefined);
  const faulty = items.filter(states);
  if (faulty.length >= 2) return { sign: "list", parts: faulty.map(short) };

  const sentences = lines
    .flatMap((line) => sentenceEnd.replace(line, "$1\n").split("\n"))
    .map((s) => s.trim())
    .filter(Boolean);
  for (let i = 0; i < sentences.length; i++) {
    const sentence = sentences[i]!;
    const m = joiner.exec(sentence);
    if (!m) continue;
    const after = sentence.slice(m.index + m[0].length - m[2]!.length);
    const before = [...sentences.slice(0, i), sentence.slice(0, m.index)].join(" ");
    if (states(after) && states(before)) return { sign: "joiner", parts: [short(before), short(after)] };
  }

  const messages = new Set([...matches(errorMessage, text)].map((m) => m[1]!.toLowerCase()));
  if (messages.size >= 2) return { sign: "errors", parts: [...messages].map(short) };
  return undefined;
}

function* matches(pattern: LinearPattern, text: string): Generator<RegExpExecArray> {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) yield m;
}
