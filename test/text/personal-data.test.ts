import { describe, expect, it } from "vitest";
import { matchCaps } from "../../src/text/bounds.js";
import {
  detectPersonalData,
  isValidInn,
  isValidOms,
  isValidSnils,
  redactPersonalData,
} from "../../src/text/personal-data.js";

describe("checksums", () => {
  it("СНИЛС: 112-233-445 95 is valid, a changed control number is not", () => {
    expect(isValidSnils("112-233-445 95")).toBe(true);
    expect(isValidSnils("11223344595")).toBe(true);
    expect(isValidSnils("112-233-445 96")).toBe(false);
    expect(isValidSnils("123-456-789 01")).toBe(false);
  });

  it("ОМС: control digit computed by hand for 123456789012345 is 2", () => {
    expect(isValidOms("1234567890123452")).toBe(true);
    expect(isValidOms("1234 5678 9012 3452")).toBe(true);
    expect(isValidOms("1234567890123453")).toBe(false);
  });

  it("ИНН: 10 and 12 digits with their control digits", () => {
    expect(isValidInn("7707083893")).toBe(true);
    expect(isValidInn("7707083894")).toBe(false);
    expect(isValidInn("500100732259")).toBe(true);
    expect(isValidInn("500100732258")).toBe(false);
  });
});

describe("detectPersonalData", () => {
  it.each([
    ["СНИЛС пациента 112-233-445 95", ["snils"]],
    ["полис 1234567890123452", ["oms"]],
    ["паспорт 45 06 123456 выдан", ["passport"]],
    ["серия 4506 номер 123456", ["passport"]],
    ["звонить +7 (912) 345-67-89", ["phone"]],
    ["звонить 8 912 345 67 89", ["phone"]],
    ["тел. +375 29 123-45-67", ["phone"]],
    ["тел. 80291234567", ["phone"]],
    ["пишите ivanov@mail.ru", ["email"]],
    ["ИНН организации 7707083893", ["inn"]],
    ["пациент Иванов Иван Иванович 12.03.1985 г.р.", ["birthdate-with-name"]],
    ["Петров П.П., д.р. 01.02.1990", ["birthdate-with-name"]],
  ])("finds %j", (text, kinds) => {
    expect(detectPersonalData(text)).toEqual(kinds);
  });

  it.each([
    "заявка 12345678901 по ошибке", // 11 digits, bad СНИЛС checksum
    "номер 1234567890123453", // 16 digits, bad ОМС checksum
    "счёт 7707083894", // 10 digits, bad ИНН checksum
    "ошибка с 01.02.2026 в модуле", // a date with no name
    "Не открывается электронная медкарта",
  ])("finds nothing in %j", (text) => {
    expect(detectPersonalData(text)).toEqual([]);
  });

  it("runs only the enabled detectors", () => {
    expect(detectPersonalData("ivanov@mail.ru, 112-233-445 95", ["email"])).toEqual(["email"]);
  });
});

describe("spellings that once slipped past", () => {
  it.each([
    ["a СНИЛС with spaces", "СНИЛС 112 233 445 95", "snils"],
    ["full-width digits", "СНИЛС １１２－２３３－４４５ ９５", "snils"],
    ["non-breaking hyphens and space", "СНИЛС 112\u2011233\u2011445\u00a095", "snils"],
    ["an en dash and a figure space", "СНИЛС 112–233–445\u200795", "snils"],
    ["digits split by zero-width characters", "СНИЛС 112\u200b233\u200c445\u200d95", "snils"],
    ["Arabic-Indic digits", "ИНН ٧٧٠٧٠٨٣٨٩٣", "inn"],
    ["an ИНН in groups", "ИНН 7707 083 893", "inn"],
    ["an ОМС with dashes", "полис 1234-5678-9012-3452", "oms"],
    ["zero-width characters in an e-mail", "пишите iva\u200bnov\u2060@ma\ufeffil.ru", "email"],
    ["a soft hyphen in an e-mail", "пишите ivan\u00adov@mail.ru", "email"],
    ["a full-width at sign", "пишите ivanov＠mail.ru", "email"],
    ["a Cyrillic domain", "пишите иванов@почта.рф", "email"],
    ["a spelt-out at", "пишите ivanov [at] mail.ru", "email"],
    ["a full-width plus", "звонить ＋7 912 345 67 89", "phone"],
    ["a phone without its country code", "звонить (912) 345-67-89", "phone"],
    ["a Belarusian number dialled with 8 0", "тел. 8 029 123-45-67", "phone"],
    ["a passport: series, then number", "серия 0101 номер 123456", "passport"],
    ["a passport with №", "паспорт: 45 06 № 123456", "passport"],
    ["a Belarusian passport", "паспорт MP1234567", "passport"],
    ["a Belarusian identification number", "идентификационный номер 3010180A001PB1", "passport"],
    ["an all-caps name", "ПЕТРОВ ПЁТР ПЕТРОВИЧ 01.02.1980", "birthdate-with-name"],
    ["a date with slashes", "Петров Пётр Петрович 01/02/1980", "birthdate-with-name"],
    ["a date without leading zeros", "Петров Пётр Петрович, 1.2.1980", "birthdate-with-name"],
    [
      "a date in words, the name declined",
      "у Ивановой Марии Петровны, 1 февраля 1980 г.р.",
      "birthdate-with-name",
    ],
    ["initials first", "д.р. 01.02.1980, П.П. Петров", "birthdate-with-name"],
    ["a name in lower case", "пациентка иванова мария петровна 12.03.1985", "birthdate-with-name"],
  ])("finds %s", (_what, text, kind) => {
    expect(detectPersonalData(text)).toContain(kind);
    expect(redactPersonalData(text)).toContain(`[${kind}]`);
  });

  it("still leaves order numbers, phone-like ids and dates without a name alone", () => {
    for (const text of [
      "заказ 112 233 445 96",
      "заявки 1234 5678 9012 3453 и 7707083894",
      "версия 10.12.03 от 01.02.2026, ошибка 500",
      "сборка 2026-03-02, коммит 9f3a1c",
      "Не открывается ЭМК в поликлинике №3",
    ])
      expect(redactPersonalData(text)).toBe(text);
  });
});

describe("redactPersonalData", () => {
  it("replaces the data and keeps the rest as written (no folding of what is not data)", () => {
    expect(redactPersonalData("№ 5: пациент ПЕТРОВ ПЁТР ПЕТРОВИЧ 01.02.1980, тел. ＋7 912 345‑67‑89…")).toBe(
      "№ 5: пациент [birthdate-with-name] [birthdate-with-name], тел. [phone]…",
    );
  });

  it("is idempotent, so a comment redacted again on a retry is the same comment", () => {
    const text =
      "Иванов Иван Иванович, СНИЛС 112-233-445 95, e-mail iva\u200bnov@mail.ru, дата рождения 12.03.1985; также Петров П.П.";
    const once = redactPersonalData(text);
    expect(redactPersonalData(once)).toBe(once);
  });

  it("cuts a text longer than the detectors read after redacting it: a number across the cut goes whole", () => {
    const cap = matchCaps.description;
    const text = `${"а".repeat(cap - 8)} 112-233-445 95 и ещё ${"б".repeat(1000)}`;
    const out = redactPersonalData(text);
    expect(out).not.toMatch(/112|233|445/);
    expect(out.endsWith(" [snils]…")).toBe(true);
    expect(out.length).toBeLessThan(cap + 20);
  });
});
