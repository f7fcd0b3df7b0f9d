import { safeHref } from "../domain/web-link.js";
import type { SlaRow, TrendRow } from "./sla-report.js";

export const reportFormats = ["text", "csv", "json", "html"] as const;
export type ReportFormat = (typeof reportFormats)[number];

export interface SlaReportDocument {
  pack: string;
  from: string;
  to: string;
  zone: string;
  generatedAt: string;
  rows: SlaRow[];
  trend: TrendRow[];
}

const show = (v: number | null, suffix = "") => (v === null ? "—" : `${v}${suffix}`);
const hours = (minutes: number | null) => (minutes === null ? "—" : `${Math.round(minutes / 6) / 10} h`);

/** What a spreadsheet takes for the start of a formula (OWASP, CSV injection). */
const formulaStart = /^[=+\-@\t\r]/;
/** A plain decimal numeral, as numbers and PostgreSQL's numeric columns are written. */
const numeral = /^-?\d+(\.\d+)?$/;

/**
 * One CSV field, every CSV the bridge writes goes through it. RFC 4180: a field with a
 * quote, comma or line break is quoted, quotes doubled; a semicolon or a tab too, since a
 * Russian-locale Excel splits on `;`. Against formula injection, a text starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return — a ticket's title, a label, a user's
 * name, a URL — gets a leading `'` (a spreadsheet then shows it as text) and is quoted.
 * Numbers are left as they are, so a negative overrun stays a number that adds up: a
 * number-typed value, or a text that is nothing but a decimal numeral (`-5`, `-0.5`),
 * which no spreadsheet runs. Anything more (`-5+1`, `-1e3`, `+7 916…`) is prefixed.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  if (typeof value === "number" || typeof value === "bigint") return text;
  if (formulaStart.test(text) && !numeral.test(text)) return `"'${text.replaceAll('"', '""')}"`;
  return /[",;\t\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record, ended as RFC 4180 ends it. */
export const csvLine = (cells: readonly unknown[]): string => `${cells.map(csvField).join(",")}\r\n`;

/** The byte-order mark makes spreadsheets read the file as UTF-8, so Cyrillic stays intact. */
export const csvStart = "\uFEFF";

export function csv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `${csvStart}${[header, ...rows].map(csvLine).join("")}`;
}

const columns = [
  "pack",
  "clock",
  "title",
  "type",
  "priority",
  "line",
  "tickets",
  "met",
  "breached",
  "open",
  "noTarget",
  "percentMet",
  "medianMinutes",
  "p90Minutes",
  "worst",
] as const;

function worstText(row: SlaRow): string {
  return row.worst
    .map((w) => `${w.url ?? `${w.instance}/${w.ticket}`} (+${w.overrunMinutes} min${w.open ? ", open" : ""})`)
    .join("; ");
}

export function renderSlaReport(doc: SlaReportDocument, format: ReportFormat): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(doc.rows, null, 2)}\n`;
    case "csv":
      return csv(
        columns,
        doc.rows.map((r) => columns.map((c) => (c === "worst" ? worstText(r) : r[c]))),
      );
    case "text":
      return textReport(doc);
    case "html":
      return htmlReport(doc);
  }
}

function textReport(doc: SlaReportDocument): string {
  const head = `SLA compliance — ${doc.pack}, clocks started ${doc.from} … ${doc.to} (${doc.zone})`;
  if (!doc.rows.length) return `${head}\n${englishTableWords.empty}\n`;
  const table = [
    // The HTML table's heads but the last (the worst overruns are listed below the table).
    englishTableWords.heads.slice(0, -1),
    ...doc.rows.map((r) => [
      r.clock,
      r.type,
      r.priority,
      r.line,
      String(r.tickets),
      String(r.met),
      String(r.breached),
      String(r.open),
      String(r.noTarget),
      show(r.percentMet, " %"),
      hours(r.medianMinutes),
      hours(r.p90Minutes),
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const lines = table.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join("  ")
      .trimEnd(),
  );
  const worst = doc.rows
    .filter((r) => r.worst.length)
    .map((r) => `  ${r.clock} ${r.type}/${r.priority}/${r.line}: ${worstText(r)}`);
  const trend = doc.trend
    .filter((t) => t.tickets)
    .map(
      (t) =>
        `  ${t.month}  ${show(t.percentMet, " %").padStart(7)}  (${t.met} met, ${t.breached} breached of ${t.tickets})`,
    );
  return [
    head,
    "",
    ...lines,
    ...(worst.length ? ["", "worst overruns:", ...worst] : []),
    ...(trend.length ? ["", `12 months (clocks met, per month the clock started):`, ...trend] : []),
    "",
  ].join("\n");
}

export const escapeHtml = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/** A self-contained page: its style inline, no scripts, nothing fetched. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-bottom:1.5em}th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top}th{background:#f3f3f3;text-align:left}td.n{text-align:right}td.bad{color:#c62828;font-weight:600}svg text{font-size:11px}</style></head>
<body>
${body}
</body></html>
`;
}

/** The SLA table's words: its column heads, the empty table's line and the chart's title. */
export interface SlaTableWords {
  heads: readonly string[];
  empty: string;
  trend: string;
}

const englishTableWords: SlaTableWords = {
  heads: [
    "clock",
    "type",
    "priority",
    "line",
    "tickets",
    "met",
    "breached",
    "open",
    "by agreement",
    "% met",
    "median",
    "p90",
    "worst overruns",
  ],
  empty: "no clock started in this period",
  trend: "12 месяцев / 12 months — % met",
};

/** The SLA table (and the trend chart, when there is one) as an HTML fragment. */
export function slaTableHtml(doc: SlaReportDocument, words: SlaTableWords = englishTableWords): string {
  const cell = (v: string | number | null, cls = "") =>
    `<td${cls ? ` class="${cls}"` : ""}>${escapeHtml(show(v as number | null))}</td>`;
  const rows = doc.rows
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.title)}</td>${cell(r.type)}${cell(r.priority)}${cell(r.line)}${cell(r.tickets, "n")}${cell(r.met, "n")}${cell(r.breached, r.breached ? "n bad" : "n")}${cell(r.open, "n")}${cell(r.noTarget, "n")}${cell(r.percentMet === null ? null : `${r.percentMet} %`, "n")}${cell(hours(r.medianMinutes), "n")}${cell(hours(r.p90Minutes), "n")}<td>${r.worst
          .map((w) => {
            const href = safeHref(w.url ?? undefined);
            return href
              ? `<a href="${escapeHtml(href)}">${escapeHtml(w.ticket)}</a> +${w.overrunMinutes} min`
              : `${escapeHtml(w.ticket)} +${w.overrunMinutes} min`;
          })
          .join("<br>")}</td></tr>`,
    )
    .join("\n");
  const months = doc.trend.filter((t) => t.tickets);
  const bar = (t: TrendRow, i: number) => {
    const h = t.percentMet === null ? 0 : (t.percentMet / 100) * 120;
    return `<g><rect x="${i * 46 + 10}" y="${140 - h}" width="34" height="${h}" fill="${(t.percentMet ?? 0) >= 90 ? "#2e7d32" : "#c62828"}"/><text x="${i * 46 + 27}" y="${135 - h}" text-anchor="middle">${show(t.percentMet)}</text><text x="${i * 46 + 27}" y="158" text-anchor="middle">${escapeHtml(t.month.slice(2))}</text></g>`;
  };
  const chart = months.length
    ? `<h2>${escapeHtml(words.trend)}</h2><svg width="${months.length * 46 + 20}" height="165" role="img" aria-label="trend">${months.map(bar).join("")}</svg>`
    : "";
  return `<table><thead><tr>${words.heads.map((w) => `<th>${escapeHtml(w)}</th>`).join("")}</tr></thead>
<tbody>
${rows || `<tr><td colspan="13">${escapeHtml(words.empty)}</td></tr>`}
</tbody></table>
${chart}`;
}

function htmlReport(doc: SlaReportDocument): string {
  return htmlPage(
    `SLA — ${doc.pack} ${doc.from} … ${doc.to}`,
    `<h1>Соблюдение сроков / SLA compliance — ${escapeHtml(doc.pack)}</h1>
<p>Часы, начатые / clocks started ${escapeHtml(doc.from)} … ${escapeHtml(doc.to)} (${escapeHtml(doc.zone)}); сформирован / generated ${escapeHtml(doc.generatedAt)}. Часы, идущие после срока, считаются нарушенными / a clock still running past its due moment counts as breached.</p>
${slaTableHtml(doc)}`,
  );
}
