import { type Action, describeAction } from "../../domain/action.js";
import type { DecisionPage } from "../../history/store.js";
import type { TextKey } from "../i18n.js";
import { h, layout, moment, type PageContext, select, withQuery } from "../layout.js";

export interface ActivityFilter {
  rule?: string;
  outcome?: string;
  pack?: string;
  before?: string;
}

const writebackText: Record<string, TextKey> = {
  queued: "queued",
  "dry-run": "dry-run",
  none: "nothing",
  held: "held",
};

/** Decisions across tickets, newest first; what a dry-run pack would have done, said so. */
export function activityPage(
  ctx: PageContext,
  input: {
    filter: ActivityFilter;
    packs: readonly { id: string; mode: string }[];
    page: DecisionPage | { problem: string };
  },
  fragment: boolean,
): string {
  const { t } = ctx;
  const dryRun = new Set(input.packs.filter((p) => p.mode === "dry-run").map((p) => p.id));
  let live: string;
  if ("problem" in input.page) live = `<p class="notice">${h(input.page.problem)}</p>`;
  else {
    const rows = input.page.decisions
      .map((d) => {
        const actions = (d.actions as Action[])
          .map((a) => h(describeAction(a, { language: ctx.lang })))
          .join("<br>");
        const plan =
          d.writeback === "dry-run" && actions ? `<em>${h(t("wouldDo"))}:</em><br>${actions}` : actions;
        return `<tr class="decision" data-ticket="${h(`${d.instance}/${d.ticket}`)}" data-rule="${h(d.rule)}" data-writeback="${h(d.writeback)}"><td class="n">${h(moment(Date.parse(d.at), ctx.zone))}</td><td><a href="/console/tickets/${encodeURIComponent(d.instance)}/${encodeURIComponent(d.ticket)}">${h(`${d.instance}/${d.ticket}`)}</a></td><td>${h(d.pack)}${d.mode === "dry-run" ? ` <span class="state paused">dry-run</span>` : ""}</td><td>${h(d.rule)}<br><span class="muted">${h(t((d.outcome as TextKey) ?? "info"))}</span></td><td>${h(d.message)}</td><td>${h(d.citation)}</td><td>${plan || "—"}</td><td>${h(t(writebackText[d.writeback] ?? "queued"))}</td></tr>`;
      })
      .join("\n");
    const more = input.page.next
      ? `<div class="pager"><a href="${h(withQuery(ctx.url, { before: input.page.next }))}">${h(t("older"))}</a></div>`
      : "";
    live = rows
      ? `<table><thead><tr><th>${h(t("at"))}</th><th>${h(t("ticket"))}</th><th>${h(t("pack"))}</th><th>${h(t("rule"))}</th><th>${h(t("message"))}</th><th>${h(t("citation"))}</th><th>${h(t("actions"))}</th><th>${h(t("writeback"))}</th></tr></thead><tbody>\n${rows}\n</tbody></table>${more}`
      : `<p class="muted">${h(t("none"))}</p>`;
  }
  if (fragment) return live;
  const banner = dryRun.size
    ? `<p class="banner">${h(t("dryRunBanner"))} (${[...dryRun].map(h).join(", ")})</p>`
    : "";
  const f = input.filter;
  const filters = `<form class="filters" method="get" action="/console/activity">
<label>${h(t("rule"))}<input name="rule" value="${h(f.rule ?? "")}" size="22"></label>
${select(
  ctx,
  "outcome",
  "outcome",
  ["violation", "info", "error"].map((o) => ({ value: o, text: t(o as TextKey) })),
  f.outcome,
)}
${select(
  ctx,
  "pack",
  "pack",
  input.packs.map((p) => ({ value: p.id, text: `${p.id}${p.mode === "dry-run" ? " (dry-run)" : ""}` })),
  f.pack,
)}
<button type="submit">${h(t("show"))}</button> <a href="/console/activity">${h(t("reset"))}</a></form>`;
  return layout(ctx, {
    title: t("activity"),
    active: "activity",
    // A browsed older page stays as it is; the newest page follows the decisions as they come.
    ...(f.before ? {} : { live: ["history"], every: 15000 }),
    body: `${banner}${filters}\n<!--live-->${live}<!--/live-->`,
  });
}
