import { describe, expect, it } from "vitest";
import {
  detectPersonalData,
  isValidInn,
  isValidOms,
  isValidSnils,
} from "../../../policies/support/personal-data-detectors.js";

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
