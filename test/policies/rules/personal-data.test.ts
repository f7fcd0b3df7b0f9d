import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ticketFromIssue } from "../../../adapters/mantis/normalise.js";
import { MantisIssue } from "../../../adapters/mantis/payloads.js";
import { mantisNormaliser } from "../../helpers/mantis.js";
import { change, created, decide, pack, ticket } from "../../helpers/tickets.js";

const krasnoyarsk = pack("krasnoyarsk-kmiac");
const secrets = [
  "112-233-445 95",
  "1234567890123452",
  "+7 (912) 345-67-89",
  "ivanov@mail.ru",
  "Иванов Иван Иванович",
  "12.03.1985",
];

describe("personal-data", () => {
  it("says which kinds and where, labels the ticket, and never repeats the data", () => {
    const t = ticket({
      ref: { tracker: "gitlab", id: "55" },
      type: "Ошибка",
      description: `Пациент Иванов Иван Иванович 12.03.1985 г.р., СНИЛС 112-233-445 95, полис 1234567890123452`,
      title: "Не формируется направление, звонить +7 (912) 345-67-89",
    });
    const d = decide(krasnoyarsk, t, created()).find((x) => x.rule === "personal-data");
    expect(d?.outcome).toBe("violation");
    expect(d?.message).toMatch(/в теме — номер телефона/);
    expect(d?.message).toMatch(/в описании — СНИЛС, номер полиса ОМС, ФИО с датой рождения/);
    expect(d?.actions).toContainEqual({ type: "addLabel", label: "personal-data" });
    const everything = JSON.stringify(d);
    for (const s of secrets) expect(everything).not.toContain(s);
  });

  it("Приложение 3, п. 5 «включая описание, вложения, комментарии»: a file's name is checked too, named by its place, never by name", () => {
    // The names as a real MantisBT 2.28.4 gives them (test/fixtures/mantisbt-attachments/).
    const raw = JSON.parse(
      readFileSync("test/fixtures/mantisbt-attachments/get-issue-with-files.response.json", "utf8"),
    ).issues[0];
    const fromMantis = ticketFromIssue(mantisNormaliser(), MantisIssue.parse(raw));
    expect(fromMantis.attachments).toEqual([
      { name: "Скриншот Иванов И.И. 12.03.1980.png", size: 8 },
      { name: "log-petrov.txt", size: 3, commentId: "1" },
    ]);
    const t = ticket({ type: "Ошибка", description: "Не печатается", attachments: fromMantis.attachments });
    const d = decide(krasnoyarsk, t, created()).find((x) => x.rule === "personal-data");
    expect(d?.message).toMatch(/в имени вложения #1 — ФИО с датой рождения/);
    expect(JSON.stringify(d)).not.toContain("Иванов");
    const snils = ticket({
      type: "Ошибка",
      description: "Скан",
      attachments: [{ name: "СНИЛС_112-233-445_95.pdf" }],
    });
    expect(decide(krasnoyarsk, snils, created()).find((x) => x.rule === "personal-data")?.message).toMatch(
      /в имени вложения #1 — СНИЛС/,
    );
    const clean = ticket({
      type: "Ошибка",
      description: "Скан",
      attachments: [{ name: "screenshot-2026-03-02.png" }],
    });
    expect(decide(krasnoyarsk, clean, created()).some((x) => x.rule === "personal-data")).toBe(false);
  });

  it("checks a new comment and names it", () => {
    const c = change({
      kind: "commented",
      actor: { id: "client" },
      comment: {
        id: "77",
        author: { id: "client" },
        body: "мой e-mail ivanov@mail.ru",
        createdAt: "2026-02-20T10:00:00+03:00",
      },
    });
    const d = decide(krasnoyarsk, ticket({ type: "Ошибка" }), c).find((x) => x.rule === "personal-data");
    expect(d?.message).toMatch(/в комментарии #77 — адрес электронной почты/);
    expect(JSON.stringify(d)).not.toContain("ivanov@mail.ru");
  });

  it("is silent on a clean ticket", () => {
    expect(
      decide(krasnoyarsk, ticket({ type: "Ошибка" }), created()).some((x) => x.rule === "personal-data"),
    ).toBe(false);
  });
});
