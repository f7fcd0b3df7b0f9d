import { z } from "zod";
import { defineRule, type Language } from "../../src/engine/rule.js";
import { linear } from "../../src/text/linear.js";
import {
  detectPersonalData,
  type PersonalDataKind,
  personalDataKinds,
} from "../../src/text/personal-data.js";
import { isCreation, labelsAdded, touched } from "../support/change-facts.js";

// A file name spells spaces as underscores («СНИЛС_112-233-445_95.pdf»).
const underscores = linear("_+", "g");

const Options = z.strictObject({
  detectors: z.array(z.enum(personalDataKinds)).default([...personalDataKinds]),
  /** A label put on a ticket found to carry personal data, for the people who must clean it. */
  label: z.string().min(1).optional(),
});
type Options = z.infer<typeof Options>;

const kindWords: Record<Language, Record<PersonalDataKind, string>> = {
  ru: {
    snils: "СНИЛС",
    passport: "паспортные данные",
    oms: "номер полиса ОМС",
    phone: "номер телефона",
    email: "адрес электронной почты",
    inn: "ИНН",
    "birthdate-with-name": "ФИО с датой рождения",
  },
  en: {
    snils: "SNILS",
    passport: "passport details",
    oms: "OMS policy number",
    phone: "phone number",
    email: "e-mail address",
    inn: "INN",
    "birthdate-with-name": "full name with a birth date",
  },
};

const placeWords: Record<
  Language,
  Record<"title" | "description" | "comment" | "label" | "attachment", string>
> = {
  ru: {
    title: "теме",
    description: "описании",
    comment: "комментарии",
    label: "метке",
    attachment: "имени вложения",
  },
  en: {
    title: "title",
    description: "description",
    comment: "comment",
    label: "label",
    attachment: "name of attachment",
  },
};

export default defineRule<Options, "found">({
  id: "personal-data",
  description:
    "Personal data (СНИЛС, passport, ОМС, phones, e-mail, ИНН, a name with a birth date) must not be in a ticket; says what kind and where, never the data.",
  options: Options,
  messages: {
    ru: {
      found:
        "В заявке обнаружены персональные данные: {where}. Персональные данные в обращениях недопустимы — удалите их (отредактируйте текст) и при необходимости передайте сведения защищённым способом.",
    },
    en: {
      found:
        "Personal data found in the ticket: {where}. Personal data is not allowed in tickets — remove it (edit the text) and pass the details by a protected channel if needed.",
    },
  },
  needs: (options) => [{ kind: "comment" }, ...(options.label ? [{ kind: "labels" as const }] : [])],
  check({ ticket, change, options, context }) {
    const places: { place: keyof (typeof placeWords)["ru"]; text: string; id?: string }[] = [];
    if (touched(change, "title")) places.push({ place: "title", text: ticket.title });
    if (touched(change, "description")) places.push({ place: "description", text: ticket.description });
    for (const label of labelsAdded(ticket, change)) places.push({ place: "label", text: label });
    if (change.comment) places.push({ place: "comment", text: change.comment.body, id: change.comment.id });
    else if (isCreation(change))
      for (const c of ticket.comments) places.push({ place: "comment", text: c.body, id: c.id });
    // «включая описание, вложения, комментарии»: the files' names, where the tracker gives
    // them — all on creation, a comment's own with it. Named by their place, never by name.
    ticket.attachments.forEach((file, i) => {
      const fresh =
        isCreation(change) || (change.comment !== undefined && file.commentId === change.comment.id);
      if (fresh)
        places.push({ place: "attachment", text: underscores.replace(file.name, " "), id: String(i + 1) });
    });

    const lang = context.language;
    const where: string[] = [];
    for (const p of places) {
      const kinds = detectPersonalData(p.text, options.detectors);
      if (kinds.length === 0) continue;
      const place = `${lang === "ru" ? "в " : "in the "}${placeWords[lang][p.place]}${p.id ? ` #${p.id}` : ""}`;
      where.push(`${place} — ${kinds.map((k) => kindWords[lang][k]).join(", ")}`);
    }
    if (where.length === 0) return [];
    const actions =
      options.label && !ticket.labels.includes(options.label)
        ? [{ type: "addLabel" as const, label: options.label }]
        : [];
    return [
      { outcome: "violation", messageId: "found", data: { where: where.join("; ") }, actions, explain: true },
    ];
  },
});
