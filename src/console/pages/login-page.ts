import type { Lang, Translate } from "../i18n.js";
import { h } from "../layout.js";

/** The sign-in page: a token, kept in an HttpOnly cookie for the console's pages. */
export function loginPage(t: Translate, lang: Lang, next: string, wrong: boolean): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${h(t("login"))} — Reglament</title><link rel="stylesheet" href="/console/assets/console.css"></head>
<body><header><strong>${h(t("product"))}</strong></header><main><h1>${h(t("login"))}</h1>
<p class="muted">${h(t("loginHint"))}</p>
${wrong ? `<p class="notice bad" role="alert">${h(t("wrongToken"))}</p>` : ""}
<form class="login" method="post" action="/console/login">
<input type="hidden" name="next" value="${h(next)}">
<label>${h(t("token"))}<br><input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">${h(t("signIn"))}</button></form></main></body></html>
`;
}
