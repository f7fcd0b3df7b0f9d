import type { WebhookProblem } from "../../src/domain/adapter.js";
import type { GitlabApi } from "./client.js";
import { hookPath, hookStopped, hooksToBridge, reEnable } from "./hooks.js";

/**
 * When to look whether GitLab still delivers the bridge's webhooks, and the look itself.
 * The start-up check read the hooks; while the bridge runs GitLab may pause or disable
 * them (failed deliveries), and then changes arrive only through reconciliation. So
 * reconciliation looks again every `everyMs`, and at once — at most once a reconciliation
 * interval — when it lists a change no webhook announced: a ticket updated (at least
 * `graceMs` ago, so the webhook had time to come) later than the last webhook this
 * process received for it. A process that receives no webhooks (a `worker` beside an
 * `ingest`) takes every change for unannounced: it then looks once per reconciliation
 * run that lists changes, one request per project.
 */
export interface WatchTiming {
  now: () => number;
  /** The periodic look (options.webhookCheckMinutes). */
  everyMs: number;
  /** The least time between two looks (the reconciliation interval). */
  floorMs: number;
  /** How long a webhook may take to arrive after the change. */
  graceMs?: number;
  /** How far GitLab's clock may be ahead of ours. */
  skewMs?: number;
}

const MAX_TRACKED = 20_000;

export class WebhookWatch {
  /** Ticket id → when a webhook about it last arrived (ms). */
  readonly #announced = new Map<string, number>();
  /** Ticket id → its update time (ms), listed too soon after the change to judge. */
  readonly #pending = new Map<string, number>();
  #unannounced = false;
  #lastLook: number;

  constructor(private readonly t: WatchTiming) {
    // The start-up check has just looked.
    this.#lastLook = t.now();
  }

  /** A webhook about this ticket arrived. */
  announced(ticketId: string): void {
    this.#announced.delete(ticketId);
    this.#announced.set(ticketId, this.t.now());
    if (this.#announced.size > MAX_TRACKED) {
      const oldest = this.#announced.keys().next().value;
      if (oldest !== undefined) this.#announced.delete(oldest);
    }
  }

  /** Reconciliation listed this ticket with this update time. */
  listed(ticketId: string, updatedAt: string): void {
    const at = Date.parse(updatedAt);
    if (Number.isNaN(at)) return;
    this.#judge(ticketId, at);
  }

  #judge(ticketId: string, at: number): void {
    if (this.t.now() - at < (this.t.graceMs ?? 30_000)) {
      if (this.#pending.size < MAX_TRACKED) this.#pending.set(ticketId, at);
      return;
    }
    this.#pending.delete(ticketId);
    const heard = this.#announced.get(ticketId);
    if (heard === undefined || heard < at - (this.t.skewMs ?? 30_000)) this.#unannounced = true;
  }

  /** Whether to look now; a yes counts as the look. */
  due(): boolean {
    for (const [ticketId, at] of [...this.#pending]) this.#judge(ticketId, at);
    const since = this.t.now() - this.#lastLook;
    const due = since >= this.t.everyMs || (this.#unannounced && since >= this.t.floorMs);
    if (due) {
      this.#lastLook = this.t.now();
      this.#unannounced = false;
    }
    return due;
  }
}

/**
 * The hooks to this bridge instance GitLab paused or disabled, in every configured project
 * (`paths`: config key → the project's path, for the messages). A project whose hooks the
 * token may not read is skipped.
 */
export async function stoppedHooks(
  api: GitlabApi,
  instance: string,
  projects: readonly string[],
  paths: (project: string) => string,
  reconcileSeconds: number,
): Promise<WebhookProblem[]> {
  const problems: WebhookProblem[] = [];
  for (const project of projects) {
    const hooks = await hooksToBridge(api, project, instance);
    for (const hook of hooks?.ours ?? []) {
      const stopped = hookStopped(hook);
      if (!stopped) continue;
      const what =
        stopped.state === "disabled"
          ? "disabled"
          : `paused until ${stopped.until ?? "later"} (it retries then; 40 failures in a row disable it for good)`;
      problems.push({
        project,
        hook: String(hook.id),
        ...stopped,
        message: `GitLab has ${what} the webhook ${hook.id} of ${paths(project)} to …${hookPath(instance)} after failed deliveries (the bridge's own 400 and 401 answers count), so changes reach the bridge only through reconciliation, every ${reconcileSeconds} s; ${reEnable(hook)}`,
      });
    }
  }
  return problems;
}
