/**
 * Detectors of Russian and Belarusian personal data in free text (Krasnoyarsk KMIAC,
 * Appendix 3 §5). Each returns how many it found, never what: callers must not be able
 * to repeat the data in a comment or a log line. Numbers with a checksum are counted
 * only when the checksum holds, so order numbers and phone-like ids do not trip them.
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

const digitsOf = (s: string) => s.replace(/\D/g, "");

/** СНИЛС: 9 digits weighted 9…1, control = sum mod 101 (100 → 00); checked above 001-001-998. */
export function isValidSnils(value: string): boolean {
  const d = digitsOf(value);
  if (d.length !== 11) return false;
  if (Number(d.slice(0, 9)) <= 1001998) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(d[i]) * (9 - i);
  const control = sum < 100 ? sum : sum % 101 === 100 ? 0 : sum % 101;
  return control === Number(d.slice(9));
}

/**
 * Полис ОМС единого образца (16 digits, FFOMS order No. 79 of 07.04.2011): of the first 15
 * digits read right to left, those in odd places form a number that is doubled; those in
 * even places form a number written to its left; the control digit tops the digit sum of
 * the result up to a multiple of 10.
 */
export function isValidOms(value: string): boolean {
  const d = digitsOf(value);
  if (d.length !== 16) return false;
  const reversed = d.slice(0, 15).split("").reverse();
  const odd = reversed.filter((_, i) => i % 2 === 0).join("");
  const even = reversed.filter((_, i) => i % 2 === 1).join("");
  const combined = even + String(BigInt(odd) * 2n);
  const sum = combined.split("").reduce((a, c) => a + Number(c), 0);
  return (10 - (sum % 10)) % 10 === Number(d[15]);
}

const inn10Weights = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const inn11Weights = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const inn12Weights = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const innControl = (d: string, weights: readonly number[]) =>
  (weights.reduce((a, w, i) => a + w * Number(d[i]), 0) % 11) % 10;

/** ИНН: 10 digits (organisation) or 12 (person), with the FNS control digits. */
export function isValidInn(value: string): boolean {
  const d = digitsOf(value);
  if (d.length === 10) return innControl(d, inn10Weights) === Number(d[9]);
  if (d.length === 12)
    return innControl(d, inn11Weights) === Number(d[10]) && innControl(d, inn12Weights) === Number(d[11]);
  return false;
}

const snilsPattern = /(?<!\d)(?:\d{3}-\d{3}-\d{3}[ -]\d{2}|\d{11})(?!\d)/g;
const omsPattern = /(?<!\d)(?:\d{4}[ -]?){3}\d{4}(?!\d)/g;
const innPattern = /(?<!\d)(?:\d{12}|\d{10})(?!\d)/g;
const passportPattern =
  /паспорт\D{0,25}\d{2}\s?\d{2}\s*(?:№|N|номер)?\s*\d{6}(?!\d)|сери[яи]\s*\d{2}\s?\d{2}\s*(?:№|N|номер)\s*\d{6}(?!\d)/giu;
const ruPhonePattern = /(?<![\d+])(?:\+7|8)[\s(-]*[3489]\d{2}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?!\d)/g;
const byPhonePattern =
  /(?<![\d+])(?:\+375|80)[\s(-]*(?:1[5-7]|2[1-5]|29|33|44)\d?[\s)-]*\d{2,3}[\s-]*\d{2}[\s-]*\d{2}(?!\d)/g;
const emailPattern = /[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zа-я]{2,}/giu;
const namePattern =
  /[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+(?:[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+(?:вич|вна|чна|ична|оглы|кызы)|[А-ЯЁ]\.\s?[А-ЯЁ]\.)/gu;
const datePattern = /(?<!\d)(?:0[1-9]|[12]\d|3[01])\.(?:0[1-9]|1[0-2])\.(?:19|20)\d{2}(?!\d)/g;

function count(text: string, pattern: RegExp, valid?: (m: string) => boolean): number {
  let n = 0;
  for (const m of text.matchAll(pattern)) if (!valid || valid(m[0])) n++;
  return n;
}

function nameNearDate(text: string, window = 60): boolean {
  const names = [...text.matchAll(namePattern)].map((m) => [m.index!, m.index! + m[0].length] as const);
  if (names.length === 0) return false;
  for (const d of text.matchAll(datePattern)) {
    const at = d.index!;
    if (names.some(([s, e]) => at >= s - window && at <= e + window)) return true;
  }
  return false;
}

/** The kinds of personal data found in a text, in a stable order. */
export function detectPersonalData(
  text: string,
  enabled: readonly PersonalDataKind[] = personalDataKinds,
): PersonalDataKind[] {
  if (text.length < 6) return [];
  const on = new Set(enabled);
  const found: PersonalDataKind[] = [];
  if (on.has("snils") && count(text, snilsPattern, isValidSnils) > 0) found.push("snils");
  if (on.has("passport") && count(text, passportPattern) > 0) found.push("passport");
  if (on.has("oms") && count(text, omsPattern, isValidOms) > 0) found.push("oms");
  if (on.has("phone") && count(text, ruPhonePattern) + count(text, byPhonePattern) > 0) found.push("phone");
  if (on.has("email") && count(text, emailPattern) > 0) found.push("email");
  if (on.has("inn") && count(text, innPattern, isValidInn) > 0) found.push("inn");
  if (on.has("birthdate-with-name") && nameNearDate(text)) found.push("birthdate-with-name");
  return found;
}

/**
 * The text with every piece of personal data the detectors find replaced by a marker
 * naming its kind, for what the bridge keeps (the history never stores the data itself).
 */
export function redactPersonalData(text: string): string {
  if (text.length < 6) return text;
  const mark = (kind: PersonalDataKind) => `[${kind}]`;
  const valid = (check: (m: string) => boolean, kind: PersonalDataKind) => (m: string) =>
    check(m) ? mark(kind) : m;
  let out = text
    .replace(passportPattern, mark("passport"))
    .replace(snilsPattern, valid(isValidSnils, "snils"))
    .replace(omsPattern, valid(isValidOms, "oms"))
    .replace(innPattern, valid(isValidInn, "inn"))
    .replace(ruPhonePattern, mark("phone"))
    .replace(byPhonePattern, mark("phone"))
    .replace(emailPattern, mark("email"));
  if (nameNearDate(out))
    out = out
      .replace(namePattern, mark("birthdate-with-name"))
      .replace(datePattern, mark("birthdate-with-name"));
  return out;
}
