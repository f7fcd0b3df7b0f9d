import type { FastifyReply, FastifyRequest } from "fastify";
import { cookieValue } from "../access/guard.js";
import { isLang, type Lang } from "./i18n.js";

const langCookie = "reglament_lang";

/** The reader's language: asked for in the query (and remembered), else remembered, else Russian. */
export function languageOf(request: FastifyRequest, reply: FastifyReply): Lang {
  const asked = (request.query as Record<string, unknown>)?.lang;
  if (isLang(asked)) {
    reply.header("set-cookie", `${langCookie}=${asked}; Path=/console; SameSite=Lax; Max-Age=31536000`);
    return asked;
  }
  return rememberedLanguage(request);
}

/** The language a browser chose before, for pages that do not take `?lang=` (refusals). */
export function rememberedLanguage(request: FastifyRequest): Lang {
  const kept = cookieValue(request.headers.cookie, langCookie);
  return isLang(kept) ? kept : "ru";
}

export const html = (reply: FastifyReply, body: string) =>
  reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(body);
