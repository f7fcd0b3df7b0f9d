import { safeHref } from "../../domain/web-link.js";
import type { BoardEntry } from "../../sla/board-index.js";
import { type BoardModel, type BoardQuery, type BoardRow, boardStates } from "../board.js";
import type { TextKey } from "../i18n.js";
import { h, layout, length, moment, type PageContext, select, withQuery } from "../layout.js";

/** How an entry is shown: the zone of its calendar, and its pack's word for its priority. */
export type EntryWords = (entry: BoardEntry) => { zone: string; priority?: string };

/** The SLA board: counts per line, the filters, and each line's clocks, least time left first. */
export function boardPage(
  ctx: PageContext,
  model: BoardModel,
  query: BoardQuery,
  shown: EntryWords,
  fragment: boolean,
): string {
  const live = boardLive(ctx, model, query, shown);
  if (fragment) return live;
  const { t } = ctx;
  const choice = (values: readonly string[]) => values.map((v) => ({ value: v, text: v }));
  const filters = `<form class="filters" method="get" action="/console">
${select(ctx, "instance", "instance", choice(model.choices.instance), query.instance)}
${select(ctx, "pack", "pack", choice(model.choices.pack), query.pack)}
${select(ctx, "line", "line", choice(["1", "2", "3"]), query.line?.toString())}
${select(ctx, "priority", "priority", choice(model.choices.priority), query.priority)}
${select(
  ctx,
  "state",
  "state",
  boardStates.map((s) => ({ value: s, text: t(s) })),
  query.state,
)}
${query.order === "desc" ? '<input type="hidden" name="order" value="desc">' : ""}
<button type="submit">${h(t("show"))}</button> <a href="/console">${h(t("reset"))}</a></form>`;
  return layout(ctx, {
    title: t("board"),
    active: "board",
    live: ["board"],
    body: `${filters}\n<!--live-->${live}<!--/live-->`,
  });
}

function boardLive(ctx: PageContext, model: BoardModel, query: BoardQuery, shown: EntryWords): string {
  const { t } = ctx;
  const counts = model.counts
    .map(
      (c) =>
        `<a class="count" href="${h(withQuery(ctx.url, { line: c.line, page: undefined }))}" data-line="${c.line}"><span>${h(t("line"))} ${c.line}</span><b>${c.total}</b>` +
        `<span class="${c.byState.breached ? "bad" : "muted"}">${h(t("breached"))}: ${c.byState.breached}</span> · <span>${h(t("at_risk"))}: ${c.byState.at_risk}</span> · <span class="muted">${h(t("paused"))}: ${c.byState.paused}</span></a>`,
    )
    .join("");
  const flip = query.order === "asc" ? "desc" : undefined;
  const head = `<tr><th>${h(t("ticket"))}</th><th class="pack">${h(t("pack"))}</th><th>${h(t("type"))}</th><th>${h(t("priority"))}</th><th>${h(t("clock"))}</th><th>${h(t("due"))}</th><th><a href="${h(withQuery(ctx.url, { order: flip, page: undefined }))}">${h(t("remaining"))} ${query.order === "asc" ? "▲" : "▼"}</a></th><th>${h(t("state"))}</th><th class="assignee">${h(t("assignee"))}</th></tr>`;
  const lines = model.lines
    .map((l) => {
      const rows = l.rows.map((r) => row(ctx, r, shown)).join("\n");
      const page = Math.min(query.page, l.pages);
      const pager =
        l.pages > 1
          ? `<div class="pager">${page > 1 ? `<a href="${h(withQuery(ctx.url, { line: l.line, page: page - 1 }))}">${h(t("previous"))}</a>` : ""}<span class="muted">${h(t("page"))} ${page} ${h(t("of"))} ${l.pages}</span>${page < l.pages ? `<a href="${h(withQuery(ctx.url, { line: l.line, page: page + 1 }))}">${h(t("next"))}</a>` : ""}</div>`
          : "";
      return `<section data-line="${l.line}"><h2>${h(t("line"))} ${l.line} — ${l.total}</h2>
${l.total ? `<table><thead>${head}</thead><tbody>\n${rows}\n</tbody></table>${pager}` : `<p class="muted">${h(t("noClocks"))}</p>`}</section>`;
    })
    .join("\n");
  return `<div class="counts">${counts}</div>\n${lines}\n<p class="muted">${h(t("updated"))} ${h(moment(ctx.now, ctx.zone))} (${h(ctx.zone)})</p>`;
}

function row(ctx: PageContext, r: BoardRow, shown: EntryWords): string {
  const { t } = ctx;
  const e = r.entry;
  const { zone, priority } = shown(e);
  const page = `/console/tickets/${encodeURIComponent(e.instance)}/${encodeURIComponent(e.id)}`;
  const href = safeHref(e.url);
  const tracker = href ? ` <a href="${h(href)}" title="${h(href)}" rel="noreferrer">↗</a>` : "";
  const state =
    r.state === "paused" && e.pausedBy
      ? `<span class="state paused">${h(t("paused"))}</span> <span class="muted">${h(e.pausedBy)}</span>`
      : `<span class="state ${r.state}">${h(t(r.state as TextKey))}</span>${e.pausedBy ? ` <span class="muted">(${h(t("pausedBy"))} ${h(e.pausedBy)})</span>` : ""}`;
  return `<tr class="${r.state}" data-ticket="${h(e.key)}" data-clock="${h(r.clock.id)}" data-state="${r.state}"><td><a href="${h(page)}">${h(e.key)}</a>${tracker}</td><td class="pack">${h(e.pack)}</td><td>${h(e.type ?? "—")}</td><td>${h(priority ?? e.priority ?? "—")}</td><td>${h(r.clock.title)}</td><td class="n" title="${h(zone)}">${r.clock.due !== undefined ? h(moment(r.clock.due, zone)) : "—"}</td><td class="n remaining">${r.remaining !== undefined ? h(length(r.remaining, ctx.lang)) : "—"}</td><td>${state}</td><td class="assignee">${h(e.assignee ?? "—")}</td></tr>`;
}
