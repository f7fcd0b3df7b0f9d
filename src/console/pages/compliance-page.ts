import { type SlaReportDocument, slaTableHtml } from "../../reports/format.js";
import { h, layout, type PageContext, select } from "../layout.js";

/** The monthly SLA compliance of a pack: the history's report as a table and a 12-month chart. */
export function compliancePage(
  ctx: PageContext,
  input: {
    packs: readonly string[];
    pack: string;
    month: string;
    report: SlaReportDocument | { problem: string };
  },
): string {
  const { t } = ctx;
  const form = `<form class="filters" method="get" action="/console/compliance">
${select(
  ctx,
  "pack",
  "pack",
  input.packs.map((p) => ({ value: p, text: p })),
  input.pack,
).replace(`<option value="">${h(t("all"))}</option>`, "")}
<label>${h(t("month"))}<input type="month" name="month" value="${h(input.month)}"></label>
<button type="submit">${h(t("show"))}</button>
<a href="/api/reports/sla?pack=${encodeURIComponent(input.pack)}&amp;from=${input.month}-01&amp;to=${nextMonth(input.month)}-01&amp;format=csv">CSV</a></form>`;
  const body =
    "problem" in input.report
      ? `<p class="notice">${h(input.report.problem)}</p>`
      : `<p class="muted">${h(input.report.from)} … ${h(input.report.to)} (${h(input.report.zone)})</p>${slaTableHtml(input.report, ctx.lang === "ru" ? russianTableWords : undefined)}`;
  return layout(ctx, { title: t("compliance"), active: "compliance", body: `${form}\n${body}` });
}

const russianTableWords = {
  heads: [
    "срок",
    "тип",
    "приоритет",
    "линия",
    "заявок",
    "соблюдён",
    "нарушен",
    "идёт",
    "по договорённости",
    "% соблюдения",
    "медиана",
    "p90",
    "худшие просрочки",
  ],
  empty: "в этом периоде не начат ни один срок",
  trend: "12 месяцев — % соблюдения",
};

/** "2026-03" → "2026-04". */
export function nextMonth(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}
