import { capped, matchCaps } from "./bounds.js";
import { type LinearPattern, linear } from "./linear.js";

/**
 * Detectors of Russian and Belarusian personal data in free text (Krasnoyarsk KMIAC,
 * Appendix 3 §5). `detectPersonalData` says which kinds it found, never what: callers
 * must not be able to repeat the data in a comment or a log line. Numbers with a checksum
 * are counted only when the checksum holds, so order numbers and phone-like ids do not
 * trip them.
 *
 * The text is folded before it is read, since a person (or an attacker) can spell the
 * same number many ways: NFKC (full-width digits and `＠`, superscripts), any decimal
 * digit as its ASCII one, zero-width and other invisible characters and combining marks
 * dropped, every space as ' ', every dash and minus as '-'. Matches in the folded text
 * are mapped back, so what is not personal data is kept exactly as written.
 */

export const personalDataKinds = [
  "snils",
  "passport",
  "oms",
  "phone",
  "email",
  "inn",
  "birthdate-with-name",
] as const;
export type PersonalDataKind = (typeof personalDataKinds)[number];

function digitsOf(value: string): string {
  let d = "";
  for (const c of value) if (c >= "0" && c <= "9") d += c;
  return d;
}

/** СНИЛС: 9 digits weighted 9…1, control = sum mod 101 (100 → 00); checked above 001-001-998. */
function snilsHolds(d: string): boolean {
  if (d.length !== 11 || Number(d.slice(0, 9)) <= 1001998) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(d[i]) * (9 - i);
  const control = sum < 100 ? sum : sum % 101 === 100 ? 0 : sum % 101;
  return control === Number(d.slice(9));
}

/**
 * Полис ОМС единого образца (16 digits, FFOMS order No. 79 of 07.04.2011): of the first 15
 * digits read right to left, those in odd places form a number that is doubled; those in
 * even places form a number written to its left; the control digit tops the digit sum of
 * the result up to a multiple of 10. Doubling a number adds the digit sums of its doubled
 * digits (a carry never carries on), so this is Luhn's sum, digit by digit.
 */
function omsHolds(d: string): boolean {
  if (d.length !== 16) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const n = d.charCodeAt(i) - 48;
    sum += i % 2 === 0 ? (n < 5 ? 2 * n : 2 * n - 9) : n;
  }
  return (10 - (sum % 10)) % 10 === d.charCodeAt(15) - 48;
}

const inn10Weights = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const inn11Weights = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const inn12Weights = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const innControl = (d: string, weights: readonly number[]) =>
  (weights.reduce((a, w, i) => a + w * Number(d[i]), 0) % 11) % 10;

/** ИНН: 10 digits (organisation) or 12 (person), with the FNS control digits. */
function innHolds(d: string): boolean {
  if (d.length === 10) return innControl(d, inn10Weights) === Number(d[9]);
  if (d.length === 12)
    return innControl(d, inn11Weights) === Number(d[10]) && innControl(d, inn12Weights) === Number(d[11]);
  return false;
}

export const isValidSnils = (value: string): boolean => snilsHolds(digitsOf(value));
export const isValidOms = (value: string): boolean => omsHolds(digitsOf(value));
export const isValidInn = (value: string): boolean => innHolds(digitsOf(value));

// ---------------------------------------------------------------------------- folding

// Hangul fillers and the braille blank are letters or symbols that print as nothing.
const invisible = linear("^[\\p{Cf}\\p{Mn}\\p{Me}\\x{115F}\\x{1160}\\x{3164}\\x{FFA0}\\x{2800}]$");
const spaceLike = linear("^[\\p{Z}\\t\\x{0B}\\f]$");
const dashLike = linear("^[\\p{Pd}\\x{2212}\\x{2043}\\x{02D7}\\x{2796}]$");
const decimalDigit = linear("^\\p{Nd}$");
const isDecimal = (cp: number) => cp >= 0 && decimalDigit.test(String.fromCodePoint(cp));

/** Unicode lays every decimal digit set out as a run of ten from its zero. */
function digitValue(cp: number): number {
  let zero = cp;
  while (isDecimal(zero - 1)) zero--;
  return (cp - zero) % 10;
}

function foldChar(c: string): string {
  if (invisible.test(c)) return "";
  if (spaceLike.test(c)) return " ";
  if (dashLike.test(c)) return "-";
  const cp = c.codePointAt(0)!;
  return cp > 0x7f && isDecimal(cp) ? String(digitValue(cp)) : c;
}

const folds = new Map<number, string>();
function foldCodePoint(cp: number): string {
  let folded = folds.get(cp);
  if (folded === undefined) {
    folded = "";
    for (const c of String.fromCodePoint(cp).normalize("NFKC")) folded += foldChar(c);
    if (folds.size >= 4096) folds.clear();
    folds.set(cp, folded);
  }
  return folded;
}

/** Printable ASCII, line breaks and the basic Cyrillic letters fold to themselves: the common case costs one scan. */
const foldsToItself = (c: number) =>
  (c >= 0x20 && c < 0x7f) || c === 10 || c === 13 || (c >= 0x400 && c <= 0x45f) || c === 0xab || c === 0xbb;

/** The folded text; `from`/`to`: where each of its code units came from in the original (absent: the same text). */
interface Folded {
  text: string;
  from?: number[];
  to?: number[];
}

function fold(text: string): Folded {
  let i = 0;
  while (i < text.length && foldsToItself(text.charCodeAt(i))) i++;
  if (i === text.length) return { text };
  const from = Array.from({ length: i }, (_, k) => k);
  const to = from.map((k) => k + 1);
  let out = text.slice(0, i);
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const folded = foldsToItself(cp) ? text[i]! : foldCodePoint(cp);
    out += folded;
    for (let k = 0; k < folded.length; k++) {
      from.push(i);
      to.push(i + width);
    }
    i += width;
  }
  return { text: out, from, to };
}

// ---------------------------------------------------------------------------- finding

/** Where one piece of personal data is, in the folded text (end exclusive). */
interface Span {
  start: number;
  end: number;
  kind: PersonalDataKind;
}

// Separators people put inside a number: `112 233 445 95`, `8 (912) 345-67-89`, `СНИЛС_112_233`.
const numberRun = linear("(\\+ ?)?\\d+(?:[ ._/()-]{1,3}\\d+)*", "g");
const byPhoneCodes = new Set(["15", "16", "17", "21", "22", "23", "24", "25", "29", "33", "44"]);

/** A phone number's digits: RU +7/8 with a 3xx/4xx/8xx/9xx code, BY +375/80, a grouped 9xx mobile, any + number. */
function isPhone(d: string, plus: boolean, grouped: boolean): boolean {
  if (d.length === 11 && "3489".includes(d[1]!))
    if ((d[0] === "7" && (plus || grouped)) || (d[0] === "8" && !plus)) return true;
  if (d.length === 11 && d.startsWith("80") && byPhoneCodes.has(d.slice(2, 4))) return !plus;
  if (d.length === 12 && d.startsWith("375") && byPhoneCodes.has(d.slice(3, 5))) return true;
  if (d.length === 10 && d[0] === "9" && grouped && !plus) return true;
  return plus && d.length >= 10 && d.length <= 15;
}

/** ИНН 10/12, СНИЛС 11, ОМС 16, phones 10–12; a number after + is a phone of up to 15. */
const documentLength = (n: number, plus: boolean) => (n >= 10 && n <= 12) || n === 16 || (plus && n <= 15);

function numberKind(d: string, plus: boolean, grouped: boolean): PersonalDataKind | undefined {
  if (plus && isPhone(d, plus, grouped)) return "phone";
  if (d.length === 11 && snilsHolds(d)) return "snils";
  if (d.length === 16 && omsHolds(d)) return "oms";
  if ((d.length === 10 || d.length === 12) && innHolds(d)) return "inn";
  return isPhone(d, plus, grouped) ? "phone" : undefined;
}

/**
 * Numbers: each run of digit groups joined by separators, and within it every sequence
 * of whole groups of a document's length, so that two numbers written side by side
 * (`ИНН 7707083893 112 233 445 95`) are each found.
 */
function numbers(text: string, spans: Span[]): void {
  numberRun.lastIndex = 0;
  for (let m = numberRun.exec(text); m; m = numberRun.exec(text)) {
    const plus = m[1] !== undefined;
    const starts: number[] = [];
    const ends: number[] = [];
    let digits = "";
    const offsets: number[] = [];
    for (let k = m.index + (m[1]?.length ?? 0); k < m.index + m[0].length; k++) {
      const c = text[k]!;
      if (c < "0" || c > "9") continue;
      if (ends.at(-1) !== k) {
        starts.push(k);
        offsets.push(digits.length);
        ends.push(k + 1);
      } else ends[ends.length - 1] = k + 1;
      digits += c;
    }
    offsets.push(digits.length);
    for (let i = 0; i < starts.length; i++) {
      for (let j = i; j < starts.length && offsets[j + 1]! - offsets[i]! <= 16; j++) {
        if (!documentLength(offsets[j + 1]! - offsets[i]!, plus && i === 0)) continue;
        const kind = numberKind(digits.slice(offsets[i], offsets[j + 1]), plus && i === 0, j > i);
        if (kind) spans.push({ start: i === 0 ? m.index : starts[i]!, end: ends[j]!, kind });
      }
    }
  }
}

/** A pattern whose groups are (before)(the data)(after): the data's span of each match. */
function each(pattern: LinearPattern, text: string, kind: PersonalDataKind, spans: Span[]): void {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const start = m.index + m[1]!.length;
    const end = start + m[2]!.length;
    spans.push({ start, end, kind });
    // What closed this match may open the next.
    pattern.lastIndex = end;
  }
}

// The keyword stays readable; what follows it is the data: RU series + number (45 06 123456),
// RU foreign (75 1234567), BY series letters + number (MP1234567). What lies between may
// not cross a marker (`[snils]`): a redacted text must not join a keyword to later digits.
const passport = linear(
  "((?:паспорт\\p{L}*|сери[яиюей]|passport)[^\\d\\[\\]]{0,40}?)(\\d(?:[ ._/-]{0,3}\\d){3}[^\\d\\[\\]]{0,20}\\d(?:[ ._/-]{0,3}\\d){5}|\\d(?:[ ._/-]{0,3}\\d){8}|[A-Z]{2}[ ._/-]{0,3}\\d{7})($|[^\\d])",
  "gi",
);
// The Belarusian identification number (3010180A001PB1): distinctive enough on its own.
// A marker counts as a word beside it, as what it replaced did.
const byPersonalNumber = linear(
  "(^|[^\\p{L}\\p{N}\\]])(\\d{7}[A-Z]\\d{3}[A-Z]{2}\\d)($|[^\\p{L}\\p{N}\\[])",
  "gi",
);
const email = linear(
  "()([\\p{L}\\p{N}_.+'-]+(?:@| ?[(\\[{<] ?(?:at|собака) ?[)\\]}>] ?)[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)*\\.(?:xn--[\\p{L}\\p{N}-]+|\\p{L}{2,}))",
  "gi",
);

const word = "[А-ЯЁ](?:[а-яё]+|[А-ЯЁ]+)(?:-[А-ЯЁ](?:[а-яё]+|[А-ЯЁ]+))?";
// Declined too: «Ивановича», «Петровной».
const patronymic = `[А-ЯЁ](?:[а-яё]*(?:вич|вн[аеоуы]|чн[аеоуы])|[А-ЯЁ]*(?:ВИЧ|ВН[АЕОУЫ]|ЧН[АЕОУЫ]))|${word} +(?:оглы|кызы|ОГЛЫ|КЫЗЫ)`;
// Both initials with their dots: one capital and a dot is too often a section («Раздел В.»).
const initials = "[А-ЯЁ]\\. ?[А-ЯЁ]\\.";
const fullName = linear(
  `(^|[^\\p{L}])((?:${word} +)?${word} +(?:${patronymic})(?: +${word})?|${word} +${initials}|${initials} ?${word}|[а-яё]+ +[а-яё]+ +[а-яё]+(?:ович|евич|овн[аеоуы]|евн[аеоуы]|ичн[аеоуы])|(?i:[a-z]+ +[a-z]+ +[a-z]+(?:ovich|evich|ovna|evna|ichna)))`,
  "g",
);
const months = "(?i:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)\\p{L}*";
const date = linear(
  `(^|[^\\d])(\\d{1,2} ?[./-] ?\\d{1,2} ?[./-] ?(?:\\d{4}|\\d{2})|(?:19|20)\\d{2} ?[./-] ?\\d{1,2} ?[./-] ?\\d{1,2}|\\d{1,2} ${months} (?:19|20)\\d{2})($|[^\\d])`,
  "g",
);

/** Every pattern that reads a tracker's text: all on RE2 (the security suite checks). */
export const personalDataPatterns = [
  invisible,
  spaceLike,
  dashLike,
  decimalDigit,
  numberRun,
  passport,
  byPersonalNumber,
  email,
  fullName,
  date,
] as const;

/** Documents, phones and e-mails: everything but a name with a date. */
function documents(text: string, on: ReadonlySet<PersonalDataKind>): Span[] {
  const spans: Span[] = [];
  if (hasDigit(text)) {
    if (on.has("snils") || on.has("oms") || on.has("inn") || on.has("phone")) numbers(text, spans);
    if (on.has("passport")) {
      each(passport, text, "passport", spans);
      each(byPersonalNumber, text, "passport", spans);
    }
  }
  if (on.has("email") && mayHoldEmail(text)) each(email, text, "email", spans);
  return on.size === personalDataKinds.length ? spans : spans.filter((s) => on.has(s.kind));
}

/** A name (surname with name and patronymic, or with initials) within `window` characters of a date: both. */
function namesWithDates(text: string, window = 60): Span[] {
  if (!hasDigit(text)) return [];
  const names: Span[] = [];
  each(fullName, text, "birthdate-with-name", names);
  if (!names.length) return [];
  const dates: Span[] = [];
  each(date, text, "birthdate-with-name", dates);
  const near = (a: Span, b: Span) => b.start <= a.end + window && a.start <= b.end + window;
  return [
    ...names.filter((n) => dates.some((d) => near(n, d))),
    ...dates.filter((d) => names.some((n) => near(n, d))),
  ];
}

function hasDigit(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

// An address can be written without its @: «ivanov (at) mail.ru», «ivanov [собака] mail.ru».
const mayHoldEmail = (text: string) =>
  text.includes("@") || text.includes(")") || text.includes("]") || text.includes("}") || text.includes(">");

// ---------------------------------------------------------------------------- answers

/** The most of a text the detectors read (the longest a tracker lets a person write in one field). */
const scanned = matchCaps.description;
/** Past the scanned part: enough to see whole any document that straddles its end. */
const overlap = 320;

/** The kinds of personal data found in a text, in a stable order. */
export function detectPersonalData(
  text: string,
  enabled: readonly PersonalDataKind[] = personalDataKinds,
): PersonalDataKind[] {
  if (text.length < 6) return [];
  const on = new Set(enabled);
  const { text: folded } = fold(capped(text, scanned));
  const found = new Set(documents(folded, on).map((s) => s.kind));
  if (on.has("birthdate-with-name") && namesWithDates(folded).length) found.add("birthdate-with-name");
  return personalDataKinds.filter((k) => found.has(k));
}

const marker = (kind: PersonalDataKind) => `[${kind}]`;
const everyKind: ReadonlySet<PersonalDataKind> = new Set(personalDataKinds);

/** The spans in the original's terms, sorted, overlapping ones merged (the first one's kind names the whole). */
function inOriginal(folded: Folded, spans: Span[]): Span[] {
  const mapped = spans
    .map((s) => ({
      kind: s.kind,
      start: folded.from ? folded.from[s.start]! : s.start,
      end: folded.to ? folded.to[s.end - 1]! : s.end,
    }))
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const s of mapped) {
    const last = merged.at(-1);
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else merged.push(s);
  }
  return merged;
}

function replaced(text: string, spans: readonly Span[]): string {
  let out = "";
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + marker(s.kind);
    at = s.end;
  }
  return out + text.slice(at);
}

/** Where position `p` of the text is after `spans` are replaced (inside one: after its marker). */
function shifted(spans: readonly Span[], p: number): number {
  let out = p;
  for (const s of spans) {
    if (s.start >= p) break;
    out += marker(s.kind).length - (Math.min(s.end, p) - s.start);
  }
  return out;
}

/**
 * The text with every piece of personal data the detectors find replaced by a marker
 * naming its kind (`[snils]`), the rest kept as written. Deterministic and idempotent (a
 * redacted text comes back unchanged), so a comment redacted again on a retry is the
 * same comment. A text longer than the detectors read is cut there — after redaction,
 * so no cut can hide half a number from them — and ends with `…`.
 *
 * A name with a date is judged after the documents are replaced, on that text: so a
 * second pass sees the same distances and finds nothing new.
 */
export function redactPersonalData(text: string): string {
  if (text.length < 6) return text;
  if (text.length > remembered) return redactWhole(text);
  // One event's texts are redacted at every place they leave by (its decision messages,
  // the log, the history, the comment): the same strings, many times.
  let out = recent.get(text);
  if (out === undefined) {
    out = redactWhole(text);
    if (recent.size >= 4096) recent.clear();
    recent.set(text, out);
  }
  return out;
}

/** Texts up to this long are remembered with their redaction (a few MB at most). */
const remembered = 1024;
const recent = new Map<string, string>();

function redactWhole(text: string): string {
  const long = text.length > scanned;
  const head = long ? capped(text, scanned + overlap) : text;
  const first = fold(head);
  const documentSpans = inOriginal(first, documents(first.text, everyKind));
  const withoutDocuments = documentSpans.length ? replaced(head, documentSpans) : head;
  const second = documentSpans.length ? fold(withoutDocuments) : first;
  const nameSpans = inOriginal(second, namesWithDates(second.text));
  const out = nameSpans.length ? replaced(withoutDocuments, nameSpans) : withoutDocuments;
  if (!long) return out;
  const cut = shifted(nameSpans, shifted(documentSpans, capped(text, scanned).length));
  return `${out.slice(0, cut)}…`;
}
