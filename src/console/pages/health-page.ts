import type { QueueCounts, WorkItem } from "../../queue/inspect.js";
import type { TrackerStatus } from "../../runtime/tracker-health.js";
import { h, layout, moment, type PageContext } from "../layout.js";

export interface HealthView {
  trackers: TrackerStatus[];
  queues: QueueCounts[];
  jobs: WorkItem[];
  /** Records waiting for the history store, when it is kept. */
  historyBacklog?: number;
  /** The result of the last retry or drop, said once after the redirect. */
  done?: string;
}

function trackerState(ctx: PageContext, tracker: TrackerStatus): string {
  const { t } = ctx;
  switch (tracker.state) {
    case "reachable":
      return h(t("reachable"));
    case "unreachable":
      return `<span class="bad">${h(t("unreachableSince"))} ${h(moment(tracker.since!, ctx.zone))}</span>`;
    case "example":
      return `<span class="muted">${h(t("exampleTracker"))}</span>`;
    case "unknown":
      return `<span class="muted">${h(t("notContacted"))}</span>`;
  }
}

/**
 * Whether the trackers answer; queue health: what waits, retries or is dead, and (for
 * operators) retry and drop.
 */
export function healthPage(ctx: PageContext, view: HealthView, fragment: boolean): string {
  const { t } = ctx;
  const operator = ctx.who.role === "operator";
  const trackerRows = view.trackers
    .map(
      (tr) =>
        `<tr data-tracker="${h(tr.instance)}" data-state="${tr.state}"><td>${h(tr.instance)}</td><td>${h(tr.kind)}</td><td>${trackerState(ctx, tr)}${tr.webhook ? `<br><span class="bad" data-webhook>${h(t("webhookProblem"))}: ${h(tr.webhook)}</span>` : ""}</td><td>${h(tr.lastError ?? "—")}</td></tr>`,
    )
    .join("\n");
  const queueRows = view.queues
    .map(
      (q) =>
        `<tr data-queue="${h(q.queue)}"><td>${h(q.queue)}</td><td class="n">${q.waiting}</td><td class="n">${q.active}</td><td class="n">${q.delayed}</td><td class="n${q.failed ? " bad" : ""}">${q.failed}</td><td class="n">${q.oldestWaitingSeconds ? `${q.oldestWaitingSeconds} s` : "—"}</td></tr>`,
    )
    .join("\n");
  const form = (verb: "retry" | "drop", job: WorkItem) =>
    `<form method="post" action="/console/health/${verb}"><input type="hidden" name="jobId" value="${h(job.jobId)}"><input type="hidden" name="instance" value="${h(job.instance)}"><button type="submit" data-verb="${verb}">${h(t(verb))}</button></form>`;
  const jobRows = view.jobs
    .map(
      (j) =>
        `<tr class="job" data-job="${h(j.jobId)}" data-state="${j.state}"><td>${h(j.queue)}</td><td>${h(j.kind)}</td><td><a href="/console/tickets/${encodeURIComponent(j.instance)}/${encodeURIComponent(j.ticket)}">${h(`${j.instance}/${j.ticket}`)}</a></td><td>${h(t(j.state))}</td><td class="n">${j.tries}</td><td>${h(j.lastError ?? "—")}</td><td class="n">${h(moment(Date.parse(j.queuedAt), ctx.zone))}</td><td>${operator && j.state === "dead" ? `${form("retry", j)} ${form("drop", j)}` : ""}</td></tr>`,
    )
    .join("\n");
  const live = `${view.done ? `<p class="notice">${h(t("done"))}: ${h(view.done)}</p>` : ""}
${view.historyBacklog ? `<p class="banner">${h(t("backlog"))}: ${view.historyBacklog} ${h(t("records"))}</p>` : ""}
${trackerRows ? `<h2>${h(t("trackers"))}</h2>\n<table><thead><tr><th>${h(t("instance"))}</th><th>${h(t("kind"))}</th><th>${h(t("state"))}</th><th>${h(t("lastFailure"))}</th></tr></thead><tbody>\n${trackerRows}\n</tbody></table>\n<h2>${h(t("health"))}</h2>\n` : ""}<table><thead><tr><th>${h(t("queue"))}</th><th>${h(t("waiting"))}</th><th>${h(t("active"))}</th><th>${h(t("retrying"))} / ${h(t("later"))}</th><th>${h(t("dead"))}</th><th>${h(t("oldest"))}</th></tr></thead><tbody>
${queueRows}
</tbody></table>
<h2>${h(t("jobs"))}</h2>
${operator ? "" : `<p class="muted">${h(t("operatorsOnly"))}</p>`}
${jobRows ? `<table><thead><tr><th>${h(t("queue"))}</th><th>${h(t("kind"))}</th><th>${h(t("ticket"))}</th><th>${h(t("state"))}</th><th>${h(t("tries"))}</th><th>${h(t("lastError"))}</th><th>${h(t("at"))}</th><th></th></tr></thead><tbody>\n${jobRows}\n</tbody></table>` : `<p class="muted">${h(t("none"))}</p>`}`;
  if (fragment) return live;
  return layout(ctx, {
    title: t("health"),
    active: "health",
    live: ["queues"],
    every: 5000,
    body: `<!--live-->${live}<!--/live-->`,
  });
}
