import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { severalProblems, severalProblemsPatterns } from "../../policies/support/several-problems.js";
import { historyRecords, redactRecord, ticketVersion } from "../../src/history/records.js";
import { isLinear } from "../../src/text/linear.js";
import {
  detectPersonalData,
  personalDataPatterns,
  redactPersonalData,
} from "../../src/text/personal-data.js";
import { planOf } from "../../src/write-back/plan.js";
import { created, decide, pack, ticket } from "../helpers/tickets.js";

/**
 * Patients' personal data never leaves the bridge: documents with valid checksums, phones,
 * e-mails and names with birth dates, written every way a person or an attacker can
 * (spaces, every kind of hyphen, full-width and other digits, zero-width characters, NBSP,
 * any case), are never echoed — not by the redaction, not in a rule's comment that quotes
 * the description, not in a stored ticket version.
 */

interface Doc {
  /** As written in the ticket. */
  text: string;
  /** What must not come out: the document's digits, an e-mail's local part, a surname. */
  digits?: string;
  words?: string[];
}

const digitString = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n });

const snilsDigits = fc.integer({ min: 1_001_999, max: 999_999_999 }).map((n) => {
  const d = String(n).padStart(9, "0");
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(d[i]) * (9 - i);
  const control = sum < 100 ? sum : sum % 101 === 100 ? 0 : sum % 101;
  return d + String(control).padStart(2, "0");
});
const omsDigits = digitString(15).map((ds) => {
  const sum = ds.reduce((a, n, i) => a + (i % 2 === 0 ? (n < 5 ? 2 * n : 2 * n - 9) : n), 0);
  return ds.join("") + String((10 - (sum % 10)) % 10);
});
const innControl = (ds: number[], w: number[]) => (w.reduce((a, x, i) => a + x * ds[i]!, 0) % 11) % 10;
const inn10 = digitString(9).map((ds) => [...ds, innControl(ds, [2, 4, 10, 3, 5, 9, 4, 6, 8])].join(""));
const inn12 = digitString(10).map((ds) => {
  const eleventh = innControl(ds, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]);
  const twelfth = innControl([...ds, eleventh], [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]);
  return [...ds, eleventh, twelfth].join("");
});

/** One digit as ASCII, full-width, Arabic-Indic or mathematical bold. */
const digitForms = (d: string) =>
  fc.constantFrom(
    d,
    String.fromCodePoint(0xff10 + Number(d)),
    String.fromCodePoint(0x0660 + Number(d)),
    String.fromCodePoint(0x1d7ce + Number(d)),
  );
const invisibles = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"];
const separators = [
  "",
  " ",
  "-",
  "\u2010",
  "\u2011",
  "\u2012",
  "\u2013",
  "\u2014",
  "\u2212",
  "\u00a0",
  "\u202f",
  "\u2007",
  ".",
];

/** Digits written with separators between random groups, each digit in a random form, invisibles anywhere. */
function spelled(digits: string, allowed = separators): fc.Arbitrary<string> {
  return fc
    .tuple(
      ...[...digits].map((d) =>
        fc.tuple(digitForms(d), fc.constantFrom(...allowed), fc.constantFrom("", "", "", ...invisibles)),
      ),
    )
    .map((parts) => parts.map(([d, sep, inv], i) => d + inv + (i < parts.length - 1 ? sep : "")).join(""));
}

const numberDoc = (label: string, digits: fc.Arbitrary<string>): fc.Arbitrary<Doc> =>
  digits.chain((d) => spelled(d).map((text) => ({ text: `${label} ${text}`, digits: d })));

const phone: fc.Arbitrary<Doc> = fc.oneof(
  fc
    .tuple(fc.constantFrom("+7", "＋7", "8", "+ 7"), fc.constantFrom("3", "4", "8", "9"), digitString(9))
    .chain(([prefix, code, rest]) =>
      spelled(code + rest.join(""), [...separators, "(", ")", ") "]).map((text) => ({
        text: `тел. ${prefix} ${text}`,
        digits: code + rest.join(""),
      })),
    ),
  fc
    .tuple(fc.constantFrom("+375", "80", "8 0"), fc.constantFrom("29", "33", "44", "17"), digitString(7))
    .chain(([prefix, code, rest]) =>
      spelled(code + rest.join("")).map((text) => ({
        text: `тел. ${prefix} ${text}`,
        digits: code + rest.join(""),
      })),
    ),
);

const passport: fc.Arbitrary<Doc> = fc
  .tuple(digitString(4), digitString(6), fc.constantFrom("паспорт", "ПАСПОРТ:", "серия", "паспорт серия"))
  .chain(([series, number, keyword]) =>
    fc
      .tuple(
        spelled(series.join(""), [" ", "", "\u00a0"]),
        spelled(number.join(""), ["", "", " "]),
        fc.constantFrom(" ", " № ", " номер ", " N "),
      )
      .map(([s, n, between]) => ({
        text: `${keyword} ${s}${between}${n}`,
        digits: series.join("") + number.join(""),
      })),
  );

const latin = fc.string({
  unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"),
  minLength: 6,
  maxLength: 12,
});
const email: fc.Arbitrary<Doc> = fc
  .tuple(
    latin,
    fc.constantFrom("mail.ru", "yandex.ru", "gmail.com", "почта.рф", "мед-центр.рф", "clinic.by"),
    fc.constantFrom("@", "＠", "﹫"),
    fc.boolean(),
    fc.boolean(),
    fc.constantFrom(...invisibles),
  )
  .map(([local, domain, at, upper, fullWidth, inv]) => {
    let l = upper ? local.toUpperCase() : local;
    if (fullWidth) l = [...l].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join("");
    const broken = `${l.slice(0, 2)}${inv}${l.slice(2)}`;
    return { text: `пишите на ${broken}${at}${domain} пожалуйста`, words: [local] };
  });

const surnames = ["Петров", "Иванова", "Сидоренко", "Кузнецов", "Семёнова", "Ли-Соколов"];
const names = ["Пётр", "Мария", "Алексей", "Ольга"];
const patronymics = ["Петрович", "Ивановна", "Сергеевич", "Ильинична"];
const nameWithDate: fc.Arbitrary<Doc> = fc
  .tuple(
    fc.constantFrom(...surnames),
    fc.constantFrom(...names),
    fc.constantFrom(...patronymics),
    fc.constantFrom("capital", "upper", "lower", "initials"),
    fc.integer({ min: 1, max: 28 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1930, max: 2024 }),
    fc.constantFrom(".", "/", "-", "\u2011"),
    fc.boolean(),
    fc.constantFrom(", д.р. ", " ", ", дата рождения\u00a0", " г.р. "),
    fc.constantFrom("", ...invisibles),
  )
  .map(([surname, name, patronymic, style, day, month, year, sep, pad, between, inv]) => {
    const person =
      style === "initials" ? `${surname} ${name[0]}.${patronymic[0]}.` : `${surname} ${name} ${patronymic}`;
    const cased =
      style === "upper" ? person.toUpperCase() : style === "lower" ? person.toLowerCase() : person;
    const two = (n: number) => (pad ? String(n).padStart(2, "0") : String(n));
    const date = `${two(day)}${sep}${two(month)}${sep}${year}`;
    return {
      text: `пациент ${cased.slice(0, 3)}${inv}${cased.slice(3)}${between}${date}`,
      digits: `${two(day)}${two(month)}${year}`,
      words: [surname.toLowerCase().replaceAll("ё", "е")],
    };
  });

const doc: fc.Arbitrary<Doc> = fc.oneof(
  numberDoc("СНИЛС", snilsDigits),
  numberDoc("полис ОМС", omsDigits),
  numberDoc("ИНН", fc.oneof(inn10, inn12)),
  phone,
  passport,
  email,
  nameWithDate,
);

const phrases = [
  "Добрый день, ",
  "не открывается карта пациента, ",
  "данные для связи: ",
  "прошу проверить; ",
  "Обращение повторное — ",
  "",
];
const surrounded = (d: Doc) =>
  fc
    .tuple(fc.constantFrom(...phrases), fc.constantFrom(...phrases))
    .map(([before, after]) => ({ ...d, text: `${before}${d.text}. ${after}спасибо` }));

/** The text as a reader would compare it: NFKC, invisibles dropped, lower case, ё as е. */
const plain = (text: string) =>
  [...text.normalize("NFKC")]
    .filter((c) => !/^[\p{Cf}\p{Mn}]$/u.test(c))
    .join("")
    .toLowerCase()
    .replaceAll("ё", "е");

/** Any of the document in `out`: a digit of any script (the text around it has none), or a word of it. */
function echoes(d: Doc, out: string): string | undefined {
  const seen = plain(out);
  if (d.digits && /\p{Nd}/u.test(seen)) return `digits in ${JSON.stringify(out)}`;
  for (const w of d.words ?? []) if (seen.includes(w)) return `«${w}» in ${JSON.stringify(out)}`;
  return undefined;
}

const runs = { numRuns: 400 };

describe("personal data in every spelling is never echoed", () => {
  it("(1) redactPersonalData leaves none of it, and says it is there", () => {
    fc.assert(
      fc.property(doc.chain(surrounded), (d) => {
        const out = redactPersonalData(d.text);
        expect(echoes(d, out)).toBeUndefined();
        expect(detectPersonalData(d.text)).not.toEqual([]);
      }),
      runs,
    );
  });

  it("redaction is idempotent and deterministic (a re-run writes the same comment)", () => {
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 4 }), (docs) => {
        const text = docs.map((d) => d.text).join("; ");
        const once = redactPersonalData(text);
        expect(redactPersonalData(once)).toBe(once);
        expect(redactPersonalData(text)).toBe(once);
      }),
      runs,
    );
  });

  it("on any mix of fragments, redaction is idempotent and leaves nothing a detector finds", () => {
    // Markers land beside digits, brackets, names and keywords: no second pass may find more.
    const fragment = fc.constantFrom(
      ...["1", "12", "123", " ", "-", "(", ")", "+7", "8", "@", ".", "ru", "[", "]", "\u200b", "１", "＠"],
      ...["Иванов", "Иван", "Иванович", "П.П.", "01.02.1980", "паспорт", "серия", "\n", "№", "[at]"],
      ...["112 233 445 95", "7707083893", "1234567890123452", "ivanov@mail.ru", "3010180A001PB1"],
    );
    const text = fc
      .array(fc.oneof(fragment, fc.string({ maxLength: 3 })), { maxLength: 40 })
      .map((a) => a.join(""));
    fc.assert(
      fc.property(text, (t) => {
        const once = redactPersonalData(t);
        expect(redactPersonalData(once)).toBe(once);
        expect(detectPersonalData(once)).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  const krasnoyarsk = pack("krasnoyarsk-kmiac");
  it("(2) the one-problem-per-ticket comment quotes the parts without it, wherever the cut falls", () => {
    fc.assert(
      fc.property(doc, doc, fc.nat({ max: 60 }), (first, second, pad) => {
        const description = `1. Не открывается ЭМК ${"в".repeat(pad)} ${first.text}\n2. Не печатается рецепт, ${second.text}`;
        const t = ticket({ type: "Ошибка", description });
        const decision = decide(krasnoyarsk, t, created()).find((x) => x.rule === "one-problem-per-ticket");
        expect(decision).toBeDefined();
        const comment = decision!.actions.find((a) => a.type === "comment");
        const posted = planOf(t, [decision!], "ru", "d-1").steps[0]!.notes[0]!;
        // The message part: the footer cites the regulation's sections (digits of its own).
        const bodies = [comment, posted].map((a) => (a?.type === "comment" ? a.body : ""));
        for (const text of [decision!.message, ...bodies]) {
          const said = text.split("\n\n")[0]!;
          expect(said).toContain("«");
          expect(echoes(first, said)).toBeUndefined();
          expect(echoes(second, said)).toBeUndefined();
        }
      }),
      { numRuns: 200 },
    );
  });

  it("(3) a stored ticket version holds none of it, in labels or field values", () => {
    fc.assert(
      fc.property(doc, doc, (inLabel, inType) => {
        const t = ticket({ labels: ["срочно", inLabel.text], type: inType.text, status: inType.text });
        const version = ticketVersion("test", "p", t, "2026-03-02T10:00:00Z");
        // What a person wrote (ids, keys and times are the bridge's own).
        const stored =
          version.kind === "ticket_version" ? [...version.labels, version.status, version.type] : [];
        expect(stored).toHaveLength(4);
        expect(echoes(inLabel, stored.join(" "))).toBeUndefined();
        expect(echoes(inType, stored.join(" "))).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it("(3) a decision handed to the history holds none of it, in its message, comment or conflict", () => {
    fc.assert(
      fc.property(doc, (d) => {
        const [record] = historyRecords("test", "x", {
          type: "decisions",
          at: "2026-03-02T10:00:00Z",
          deliveryId: "d",
          pack: "p",
          mode: "enforce",
          writeback: "queued",
          decisions: [
            {
              rule: "r",
              pack: "p",
              outcome: "violation",
              message: `цитата: ${d.text}`,
              citation: "",
              actions: [{ type: "comment", body: d.text, public: true }],
              alerts: [],
              conflict: `held back: ${d.text}`,
            },
          ],
        }).map((r) => redactRecord(r, redactPersonalData));
        const said = record?.kind === "decision" ? [record.message, record.conflict, ...record.actions] : [];
        expect(said).toHaveLength(3);
        expect(echoes(d, JSON.stringify(said))).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });
});

describe("adversarial input", () => {
  it("every pattern that reads tracker text runs on RE2", () => {
    expect(personalDataPatterns.every(isLinear)).toBe(true);
    expect(severalProblemsPatterns.every(isLinear)).toBe(true);
  });

  // Each once made a backtracking pattern (or a quadratic loop) run for minutes; on RE2 they answer.
  const hostile = {
    "e-mail: letters with no @": "a".repeat(100_000),
    "e-mail: a domain that never ends": `a@${"a.".repeat(50_000)}`,
    "e-mail: a spelt-out at, unclosed": `a [at ${"a".repeat(100_000)}`,
    "numbers: single digits in one run": "1 ".repeat(50_000),
    "numbers: a plus and separators": `+${"1-(".repeat(33_000)}`,
    "passport: a keyword and no number": `паспорт ${" ".repeat(100_000)}`,
    "passport: keywords and digits": "серия 12 ".repeat(11_000),
    "names: capitalised words": "Иванов ".repeat(14_000),
    "names: initials": "И. ".repeat(33_000),
    "dates: dots and digits": "1.".repeat(50_000),
    "dates with names": "Иванов Иван Иванович 01.02.1980 ".repeat(3_000),
    "several problems: error and spaces": `error${" ".repeat(100_000)}`,
    "several problems: error and an open quote": `ошибка «${"а".repeat(100_000)}`,
    "several problems: joiners": ". также".repeat(14_000),
    "several problems: list items": "- не работает\n".repeat(7_000),
    "zero-width characters": "\u200b".repeat(100_000),
    "full-width digits": "１".repeat(100_000),
  };

  it.each(Object.entries(hostile))("%s: every detector answers", (_what, text) => {
    expect(Array.isArray(detectPersonalData(text))).toBe(true);
    expect(typeof redactPersonalData(text)).toBe("string");
    const found = severalProblems(text);
    expect(found === undefined || found.parts.length >= 2).toBe(true);
  });
});
