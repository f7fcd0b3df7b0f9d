import { describeAction } from "../domain/action.js";
import { safeHref } from "../domain/web-link.js";
import { csv, escapeHtml, htmlPage, renderSlaReport, slaTableHtml } from "../reports/format.js";
import { latestStates, type SlaRow, slaReport } from "../reports/sla-report.js";
import type { AuditFormat } from "./formats.js";
import type { AuditError, AuditResult, Finding } from "./run.js";

export interface RuleSummary {
  rule: string;
  outcome: string;
  tickets: string[];
}

export interface AtRisk {
  ticket: string;
  url: string | null;
  clock: string;
  state: string;
  due: string | null;
}

/** What the audit says, in the documented JSON shape. */
export interface AuditReport {
  instance: string;
  packs: string[];
  since: string;
  until: string;
  zone: string;
  generatedAt: string;
  interrupted: boolean;
  /** Whether the packs set deadlines at all (else there is no SLA to report). */
  deadlines: boolean;
  /** Tickets read. */
  tickets: number;
  perRule: RuleSummary[];
  findings: Finding[];
  sla: SlaRow[];
  atRisk: AtRisk[];
  errors: AuditError[];
}

export function auditReport(
  result: AuditResult,
  o: { now: number; zone: string; iso: (t: number) => string; deadlines: boolean },
): AuditReport {
  const byRule = new Map<string, RuleSummary>();
  for (const f of result.findings) {
    const id = `${f.rule}\u0000${f.outcome}`;
    const s = byRule.get(id) ?? { rule: f.rule, outcome: f.outcome, tickets: [] };
    if (!s.tickets.includes(f.ticket)) s.tickets.push(f.ticket);
    byRule.set(id, s);
  }
  for (const s of byRule.values()) s.tickets.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const latest = latestStates(result.clocks);
  return {
    instance: result.instance,
    packs: result.packs,
    since: o.iso(Date.parse(result.since)),
    until: o.iso(Date.parse(result.until)),
    zone: o.zone,
    generatedAt: o.iso(o.now),
    interrupted: result.interrupted,
    deadlines: o.deadlines,
    tickets: result.tickets,
    perRule: [...byRule.values()].sort(
      (a, b) => b.tickets.length - a.tickets.length || a.rule.localeCompare(b.rule),
    ),
    findings: result.findings,
    sla: slaReport(result.clocks, {
      from: Date.parse(result.since),
      to: Date.parse(result.until),
      now: o.now,
      by: ["type", "priority", "line"],
    }),
    atRisk: latest
      .filter((r) => r.stoppedAt === null && (r.state === "at_risk" || r.state === "breached"))
      .map((r) => ({ ticket: r.ticket, url: r.url, clock: r.clock, state: r.state, due: r.due })),
    errors: result.errors,
  };
}

function slaDocument(r: AuditReport) {
  return {
    pack: r.packs.join(", ") || "—",
    from: r.since,
    to: r.until,
    zone: r.zone,
    generatedAt: r.generatedAt,
    rows: r.sla,
    trend: [],
  };
}

export function renderAudit(r: AuditReport, format: AuditFormat): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(r, null, 2)}\n`;
    case "csv":
      return csv(
        ["ticket", "url", "rule", "outcome", "message", "actions"],
        r.findings.map((f) => [
          f.ticket,
          f.url,
          f.rule,
          f.outcome,
          f.message,
          f.actions.map((a) => describeAction(a)).join("; "),
        ]),
      );
    case "text":
      return auditText(r);
    case "html":
      return auditHtml(r);
  }
}

function auditText(r: AuditReport): string {
  const lines = [
    `Audit of ${r.instance} (${r.packs.join(", ") || "no pack"}): tickets updated ${r.since} … ${r.until}${r.interrupted ? " — INTERRUPTED, the report covers what was read" : ""}`,
    `${r.tickets} tickets read, ${r.findings.length} findings, ${r.errors.length} could not be read; nothing was written.`,
    "",
  ];
  if (r.perRule.length) {
    lines.push("per rule (tickets it fires on):");
    for (const s of r.perRule)
      lines.push(
        `  ${String(s.tickets.length).padStart(5)}  ${s.outcome.padEnd(9)} ${s.rule}: ${s.tickets.slice(0, 10).join(", ")}${s.tickets.length > 10 ? ` and ${s.tickets.length - 10} more` : ""}`,
      );
    lines.push("", "what enforce mode would write:");
    for (const f of r.findings.filter((x) => x.actions.length))
      lines.push(`  ${f.ticket} [${f.rule}]: ${f.actions.map((a) => describeAction(a)).join("; ")}`);
  } else lines.push("no findings: the pack would not have touched these tickets");
  lines.push(
    "",
    r.deadlines ? renderSlaReport(slaDocument(r), "text").trimEnd() : "SLA: the regulation sets no deadlines",
  );
  if (r.atRisk.length) {
    lines.push("", "at risk or breached now:");
    for (const a of r.atRisk)
      lines.push(`  ${a.ticket} ${a.clock} ${a.state}${a.due ? `, due ${a.due}` : ""}`);
  }
  if (r.errors.length) {
    lines.push("", "could not be read:");
    for (const e of r.errors) lines.push(`  ${e.ticket}: ${e.reason}`);
  }
  return `${lines.join("\n")}\n`;
}

function auditHtml(r: AuditReport): string {
  const link = (ticket: string, url: string | null) => {
    const href = safeHref(url ?? undefined);
    return href ? `<a href="${escapeHtml(href)}">${escapeHtml(ticket)}</a>` : escapeHtml(ticket);
  };
  const urls = new Map(r.findings.map((f) => [f.ticket, f.url]));
  const perRule = r.perRule
    .map(
      (s) =>
        `<tr><td>${escapeHtml(s.rule)}</td><td>${escapeHtml(s.outcome)}</td><td class="n">${s.tickets.length}</td><td>${s.tickets.map((t) => link(t, urls.get(t) ?? null)).join(", ")}</td></tr>`,
    )
    .join("\n");
  const findings = r.findings
    .map(
      (f) =>
        `<tr><td>${link(f.ticket, f.url)}</td><td>${escapeHtml(f.rule)}</td><td>${escapeHtml(f.outcome)}</td><td>${escapeHtml(f.message)}</td><td>${f.actions.map((a) => escapeHtml(describeAction(a))).join("<br>")}</td></tr>`,
    )
    .join("\n");
  const errors = r.errors
    .map((e) => `<tr><td>${link(e.ticket, e.url)}</td><td>${escapeHtml(e.reason)}</td></tr>`)
    .join("\n");
  return htmlPage(
    `Аудит ${r.instance} ${r.since} … ${r.until}`,
    `<h1>Аудит / Audit — ${escapeHtml(r.instance)} (${escapeHtml(r.packs.join(", "))})</h1>
<p>Заявки, изменённые / tickets updated ${escapeHtml(r.since)} … ${escapeHtml(r.until)}; прочитано / read: ${r.tickets}; замечаний / findings: ${r.findings.length}; не прочитано / unreadable: ${r.errors.length}. В трекер ничего не записано / nothing was written.${r.interrupted ? " <strong>Прервано / interrupted.</strong>" : ""}</p>
<h2>По правилам / per rule</h2>
<table id="per-rule"><thead><tr><th>rule</th><th>outcome</th><th>tickets</th><th>which</th></tr></thead><tbody>
${perRule || '<tr><td colspan="4">no findings</td></tr>'}
</tbody></table>
<h2>Сроки / SLA</h2>
${r.deadlines ? slaTableHtml(slaDocument(r)) : "<p>Регламент не устанавливает сроков / the regulation sets no deadlines.</p>"}
<h2>Замечания и что сделал бы мост / findings and what enforce would write</h2>
<table><thead><tr><th>ticket</th><th>rule</th><th>outcome</th><th>message</th><th>would do</th></tr></thead><tbody>
${findings || '<tr><td colspan="5">none</td></tr>'}
</tbody></table>
${errors ? `<h2>Не прочитаны / could not be read</h2><table><thead><tr><th>ticket</th><th>reason</th></tr></thead><tbody>${errors}</tbody></table>` : ""}`,
  );
}
