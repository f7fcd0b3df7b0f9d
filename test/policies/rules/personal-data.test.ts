import { describe, expect, it } from "vitest";
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
