import { describeAction } from "../../domain/action.js";
import { safeHref } from "../../domain/web-link.js";
import type { StoredAlert, StoredDecision } from "../../history/store.js";
import type { LogEntry, RetrySummary } from "../../queue/decision-log.js";
import type { ClockReport } from "../../sla/clocks.js";
import type { TextKey } from "../i18n.js";
import { h, layout, length, moment, type PageContext } from "../layout.js";

export interface TicketView {
  key: string;
  /** The ticket's clocks as the tracker has it now, or why they cannot be shown. */
  clocks: { reports: ClockReport[]; zone: string; pack: string; url?: string } | { problem: string };
  /** The decision log, newest first. */
  log: LogEntry[];
  retries: RetrySummary[];
  /** From the history: the alerts and older decisions, or why they are not shown. */
  alerts: StoredAlert[] | { problem: string };
  older: StoredDecision[];
}

type DecisionEntry = Extract<LogEntry, { type: "decisions" }>;
type WritebackEntry = Extract<LogEntry, { type: "writeback" }>;

/** What became of a decision's actions: the write-back's result, or the plan of a dry run. */
function outcomeOf(entry: DecisionEntry, log: readonly LogEntry[]): TextKey {
  if (entry.writeback === "dry-run") return "dry-run";
  if (entry.writeback === "none") return "nothing";
  if (entry.writeback === "held") return "held";
  const result = log.find(
    (e): e is WritebackEntry => e.type === "writeback" && e.deliveryId === entry.deliveryId,
  );
  return result ? result.result : "queued";
}

const clockState = (r: ClockReport): TextKey =>
  r.state === "running" || r.state === "paused" || r.state === "at_risk" || r.state === "breached"
    ? r.state
    : "none";

export function ticketPage(ctx: PageContext, view: TicketView, fragment: boolean): string {
  const { t } = ctx;
  const clocks =
    "problem" in view.clocks
      ? `<p class="notice">${h(view.clocks.problem)}</p>`
      : clocksSection(ctx, view.clocks.reports, view.clocks.zone);
  const decisions = view.log.filter((e): e is DecisionEntry => e.type === "decisions");
  const decisionRows = decisions
    .flatMap((entry) => {
      const outcome = outcomeOf(entry, view.log);
      const failure = view.log.find(
        (e): e is WritebackEntry =>
          e.type === "writeback" && e.deliveryId === entry.deliveryId && (e.refused?.length ?? 0) > 0,
      );
      return entry.decisions.map((d) => {
        const actions = d.actions.map((a) => h(describeAction(a, { language: ctx.lang }))).join("<br>");
        return `<tr class="decision" data-rule="${h(d.rule)}" data-outcome="${outcome}"><td class="n">${h(moment(Date.parse(entry.at), ctx.zone))}</td><td>${h(d.rule)}<br><span class="muted">${h(t(d.outcome))}</span></td><td>${h(d.message)}</td><td class="citation">${h(d.citation)}</td><td>${actions ? `${outcome === "dry-run" ? `<em>${h(t("wouldDo"))}:</em><br>` : ""}${actions}` : "—"}</td><td>${h(t(outcome))}${failure ? `<br><span class="bad">${failure.refused!.map((r) => h(r.reason)).join("<br>")}</span>` : ""}</td></tr>`;
      });
    })
    .join("\n");
  const older = view.older
    .map(
      (d) =>
        `<tr><td class="n">${h(moment(Date.parse(d.at), ctx.zone))}</td><td>${h(d.rule)}</td><td>${h(d.message)}</td><td>${h(d.citation)}</td><td>${(d.actions as Parameters<typeof describeAction>[0][]).map((a) => h(describeAction(a, { language: ctx.lang }))).join("<br>") || "—"}</td><td>${h(d.writeback)}</td></tr>`,
    )
    .join("\n");
  const retries = view.retries.length
    ? `<h2>${h(t("retrying"))}</h2><ul>${view.retries
        .map(
          (r) =>
            `<li>${h(r.kind)} ${h(r.deliveryId)}: ${r.tries} ${h(t("tries"))}, ${h(r.last)}${r.ended ? ` (${h(r.ended)})` : ""}</li>`,
        )
        .join("")}</ul>`
    : "";
  const decisionHead = `<tr><th>${h(t("at"))}</th><th>${h(t("rule"))}</th><th>${h(t("message"))}</th><th>${h(t("citation"))}</th><th>${h(t("actions"))}</th><th>${h(t("writeback"))}</th></tr>`;
  const alerts =
    "problem" in view.alerts
      ? `<p class="muted">${h(view.alerts.problem)}</p>`
      : view.alerts.length
        ? `<table><thead><tr><th>${h(t("at"))}</th><th>${h(t("kind"))}</th><th>${h(t("clock"))}</th><th>${h(t("message"))}</th><th>${h(t("deliveries"))}</th></tr></thead><tbody>${view.alerts
            .map(
              (a) =>
                `<tr class="alert"><td class="n">${h(moment(Date.parse(a.at), ctx.zone))}</td><td>${h(a.type)}</td><td>${h(a.clock ?? "—")}</td><td>${h(a.message)}</td><td>${
                  a.deliveries
                    .map(
                      (d) =>
                        `${h(d.endpoint)}: ${h(d.outcome)}${d.status !== null ? ` (HTTP ${d.status})` : ""}${d.detail ? ` — ${h(d.detail)}` : ""}`,
                    )
                    .join("<br>") || "—"
                }</td></tr>`,
            )
            .join("\n")}</tbody></table>`
        : `<p class="muted">${h(t("none"))}</p>`;
  const href = "problem" in view.clocks ? undefined : safeHref(view.clocks.url);
  const tracker = href ? ` <a href="${h(href)}" rel="noreferrer">↗</a>` : "";
  const pack = "problem" in view.clocks ? "" : ` · ${h(t("pack"))}: ${h(view.clocks.pack)}`;
  const live = `<h2>${h(t("clocks"))}</h2>
${clocks}
<h2>${h(t("decisions"))}</h2>
${decisionRows ? `<table><thead>${decisionHead}</thead><tbody>\n${decisionRows}\n</tbody></table>` : `<p class="muted">${h(t("none"))}</p>`}
${older ? `<table><thead>${decisionHead}</thead><tbody>\n${older}\n</tbody></table>` : ""}
${retries}
<h2>${h(t("alerts"))}</h2>
${alerts}`;
  if (fragment) return live;
  return layout(ctx, {
    title: `${t("ticket")} ${view.key}`,
    active: "board",
    live: ["board", "decisions"],
    body: `<p class="muted">${h(view.key)}${tracker}${pack}</p>\n<!--live-->${live}<!--/live-->`,
  });
}

function clocksSection(ctx: PageContext, reports: readonly ClockReport[], zone: string): string {
  const { t } = ctx;
  const shown = reports.filter((r) => r.state !== "not_started" || r.kind !== "autoClose");
  if (!shown.length) return `<p class="muted">${h(t("none"))}</p>`;
  return shown
    .map((r) => {
      const state = clockState(r);
      const facts = [
        ...(r.due !== undefined ? [`${h(t("due"))}: ${h(moment(r.due, zone))} (${h(zone)})`] : []),
        ...(r.target !== undefined && r.stoppedAt === undefined && state !== "none"
          ? [`${h(t("remaining"))}: ${h(length(r.target - r.elapsed, ctx.lang))}`]
          : []),
      ];
      return `<section class="clock" data-clock="${h(r.id)}" data-state="${r.state}"><h3>${h(r.title)} <span class="state ${state}">${h(state === "none" ? r.state : t(state))}</span></h3>
<p>${facts.join(" · ")}</p>
<details open><summary>${h(t("why"))}</summary><pre class="explain">${h(r.explain.join("\n"))}</pre></details></section>`;
    })
    .join("\n");
}
