import { DateTime } from "luxon";
import type { AccessRole } from "../access/tokens.js";
import { escapeHtml } from "../reports/format.js";
import type { Lang, TextKey, Translate } from "./i18n.js";

/** Who reads the page, in which language, at which address: what every page needs. */
export interface PageContext {
  t: Translate;
  lang: Lang;
  who: { name: string; role: AccessRole };
  /** The request's URL (path and query), for the language switch and the pagers. */
  url: string;
  now: number;
  /** Where moments not of one ticket are shown: the first pack's calendar zone. */
  zone: string;
}

export const h = escapeHtml;

const nav: { key: TextKey; href: string; operator?: boolean }[] = [
  { key: "board", href: "/console" },
  { key: "activity", href: "/console/activity" },
  { key: "health", href: "/console/health" },
  { key: "compliance", href: "/console/compliance" },
  { key: "queues", href: "/console/queues", operator: true },
];

/** The same address with some query parameters set (or removed, when undefined). */
export function withQuery(url: string, set: Record<string, string | number | undefined>): string {
  const u = new URL(url, "http://console.invalid");
  for (const [k, v] of Object.entries(set)) {
    if (v === undefined || v === "") u.searchParams.delete(k);
    else u.searchParams.set(k, String(v));
  }
  u.searchParams.delete("fragment");
  return `${u.pathname}${u.search}`;
}

export interface PageParts {
  title: string;
  active: TextKey;
  body: string;
  /** Server-sent event kinds that refresh the page's `[data-live]` part. */
  live?: string[];
  /** Milliseconds between refreshes without an event. */
  every?: number;
}

export function layout(ctx: PageContext, page: PageParts): string {
  const { t } = ctx;
  const links = nav
    .filter((n) => !n.operator || ctx.who.role === "operator")
    .map((n) => `<a href="${n.href}"${n.key === page.active ? ' class="on"' : ""}>${h(t(n.key))}</a>`)
    .join("");
  const other: Lang = ctx.lang === "ru" ? "en" : "ru";
  return `<!doctype html>
<html lang="${ctx.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${h(page.title)} — Reglament</title><link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/live.js" defer></script></head>
<body><header><strong>${h(t("product"))}</strong>${links}
<span class="who">${h(t("signedInAs"))} ${h(ctx.who.name)} (${ctx.who.role}) · <a href="${h(withQuery(ctx.url, { lang: other }))}" hreflang="${other}">${other === "en" ? "English" : "Русский"}</a>
<form method="post" action="/console/logout"><button type="submit">${h(t("logout"))}</button></form></span></header>
<main><h1>${h(page.title)}</h1>
${page.body.replace("<!--live-->", `<div data-live="${(page.live ?? []).join(",")}" data-every="${page.every ?? 30000}">`).replace("<!--/live-->", "</div>")}
</main></body></html>
`;
}

/** A moment in a zone, as a person reads it. */
export function moment(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat("dd.MM.yyyy HH:mm");
}

/** A working-time length, signed: "2 ч 05 мин", "−15 мин". */
export function length(ms: number, lang: Lang): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const [hu, mu] = lang === "ru" ? ["ч", "мин"] : ["h", "min"];
  const text = hours ? `${hours} ${hu} ${String(rest).padStart(2, "0")} ${mu}` : `${rest} ${mu}`;
  return ms < 0 && minutes > 0 ? `−${text}` : text;
}

/** A `<select>` of choices with "all" first; the chosen one selected. */
export function select(
  ctx: PageContext,
  name: string,
  label: TextKey,
  choices: readonly { value: string; text: string }[],
  chosen: string | undefined,
): string {
  const options = [{ value: "", text: ctx.t("all") }, ...choices]
    .map(
      (c) =>
        `<option value="${h(c.value)}"${c.value === (chosen ?? "") ? " selected" : ""}>${h(c.text)}</option>`,
    )
    .join("");
  return `<label>${h(ctx.t(label))}<select name="${name}">${options}</select></label>`;
}
