import type { Logger } from "pino";
import { redactUrlsInText } from "../config/redact-url.js";
import type { TrackerAdapter, WebhookProblem } from "../domain/adapter.js";
import { TrackerRequestError } from "../errors/tracker-error.js";
import type { ReadinessCheck } from "../server/app.js";
import { redactPersonalData } from "../text/personal-data.js";

/**
 * A failure that says the tracker does not answer: no HTTP answer at all, or a 5xx. A 429
 * (slow down) and a 4xx (this ticket, this write) are the tracker answering.
 */
export function trackerUnreachable(err: unknown): err is TrackerRequestError {
  return err instanceof TrackerRequestError && err.retryable && err.status !== 429;
}

export type Reachability = "reachable" | "unreachable" | "unknown" | "example";

export interface TrackerStatus {
  instance: string;
  kind: string;
  state: Reachability;
  /** While unreachable: since when (ms). */
  since?: number;
  /** The last failure that made it unreachable, in one line, without secrets or personal data. */
  lastError?: string;
  /** While the tracker does not deliver its webhook to the bridge (paused or disabled): what and how to fix. */
  webhook?: string;
  /** Since when (ms) the webhook problem is known. */
  webhookSince?: number;
}

interface Entry extends TrackerStatus {
  /** Counts failures: an answer to a call begun before the latest failure does not end an outage. */
  epoch: number;
  secrets: readonly string[];
  /** The adapter can tell whether its webhooks deliver (`checkWebhooks`). */
  watchesWebhooks: boolean;
  /** A look at the webhooks has been made: until then nothing is claimed about them. */
  webhooksSeen?: boolean;
}

/** The calls that reach the tracker; the webhook's own methods (verify, parse) do not. */
const calls = [
  "verifyAccess",
  "checkCapabilities",
  "fetchTicket",
  "fetchFields",
  "applyActions",
  "listUpdatedSince",
  "listOpen",
  "listLinks",
  "checkWebhooks",
] as const;

// Shorter "secrets" (a test's "t") would blank every such letter of a message.
const MIN_SECRET_LENGTH = 6;

/**
 * Whether each tracker answers, as the bridge's own calls find it — the start-up access
 * check, fetches, write-backs, reconciliation, listings: no probe of its own. Told once
 * per change in the log (unreachable, with why; reachable again, with how long it was
 * down), shown by /readyz (advisory) and the console's health page.
 */
export class TrackerHealth {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The adapters, each watched by this: the same adapter (its other methods are reached
   * through the prototype, the webhook's path untouched), its tracker calls observed.
   */
  observe(
    adapters: ReadonlyMap<string, TrackerAdapter>,
    trackers: Readonly<Record<string, { example?: boolean; token?: string; webhookSecret?: string }>>,
  ): Map<string, TrackerAdapter> {
    const observed = new Map<string, TrackerAdapter>();
    for (const [instance, adapter] of adapters) {
      const tracker = trackers[instance];
      this.#entries.set(instance, {
        instance,
        kind: adapter.kind,
        state: tracker?.example ? "example" : "unknown",
        epoch: 0,
        secrets: [tracker?.token, tracker?.webhookSecret].filter(
          (s): s is string => !!s && s.length >= MIN_SECRET_LENGTH,
        ),
        watchesWebhooks: typeof adapter.checkWebhooks === "function",
      });
      observed.set(instance, this.#watched(instance, adapter));
    }
    return observed;
  }

  #watched(instance: string, adapter: TrackerAdapter): TrackerAdapter {
    const watched = Object.create(adapter) as TrackerAdapter;
    for (const name of calls) {
      const call = adapter[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
      if (!call) continue;
      Object.defineProperty(watched, name, {
        value: async (...args: unknown[]) => {
          const epoch = this.#entries.get(instance)!.epoch;
          try {
            const result = await call.apply(adapter, args);
            this.#answered(instance, epoch);
            if (name === "checkWebhooks") this.#webhooks(instance, result as WebhookProblem[] | undefined);
            return result;
          } catch (err) {
            this.#failed(instance, epoch, err);
            throw err;
          }
        },
      });
    }
    Object.defineProperty(watched, "listUpdated", {
      value: (...args: Parameters<TrackerAdapter["listUpdated"]>) => this.#pages(instance, adapter, args),
    });
    return watched;
  }

  async *#pages(
    instance: string,
    adapter: TrackerAdapter,
    args: Parameters<TrackerAdapter["listUpdated"]>,
  ): ReturnType<TrackerAdapter["listUpdated"]> {
    const epoch = this.#entries.get(instance)!.epoch;
    try {
      for await (const page of adapter.listUpdated(...args)) {
        this.#answered(instance, epoch);
        yield page;
      }
    } catch (err) {
      this.#failed(instance, epoch, err);
      throw err;
    }
  }

  #answered(instance: string, epoch: number): void {
    const entry = this.#entries.get(instance)!;
    if (entry.state === "reachable" || epoch !== entry.epoch) return;
    if (entry.state === "unreachable") {
      const downSeconds = Math.round((this.now() - entry.since!) / 100) / 10;
      this.logger.info(
        { instance, downSeconds },
        `tracker ${instance} is reachable again, after ${downSeconds} s unreachable`,
      );
    }
    entry.state = "reachable";
    delete entry.since;
    delete entry.lastError;
  }

  #failed(instance: string, epoch: number, err: unknown): void {
    if (!trackerUnreachable(err)) {
      if (err instanceof TrackerRequestError) this.#answered(instance, epoch);
      return;
    }
    const entry = this.#entries.get(instance)!;
    entry.epoch++;
    entry.lastError = this.#oneLine(entry, err);
    if (entry.state === "unreachable") return;
    entry.state = "unreachable";
    entry.since = this.now();
    this.logger.warn(
      { instance, reason: entry.lastError },
      `tracker ${instance} is unreachable (${entry.lastError}): webhooks are still accepted, and what must be read from or written to it waits and is retried`,
    );
  }

  /**
   * What the latest look at the tracker's webhooks found (undefined: it did not look): a
   * problem is kept until a look finds every hook delivering again, said once in the log.
   */
  #webhooks(instance: string, problems: readonly WebhookProblem[] | undefined): void {
    if (!problems) return;
    const entry = this.#entries.get(instance)!;
    entry.webhooksSeen = true;
    if (problems.length) {
      entry.webhook = problems.map((p) => `${p.project}: ${p.message}`).join("; ");
      entry.webhookSince ??= this.now();
      return;
    }
    if (entry.webhook === undefined) return;
    this.logger.info({ instance }, `tracker ${instance} delivers its webhooks to the bridge again`);
    delete entry.webhook;
    delete entry.webhookSince;
  }

  /** The error without the instance it starts with, on one line, with no secret nor personal data. */
  #oneLine(entry: Entry, err: TrackerRequestError): string {
    let text = err.message.startsWith(`${entry.instance}: `)
      ? err.message.slice(entry.instance.length + 2)
      : err.message;
    text = redactUrlsInText(text.replace(/\s+/g, " ").trim());
    for (const secret of entry.secrets) text = text.split(secret).join("***");
    text = redactPersonalData(text);
    return text.length > 300 ? `${text.slice(0, 299)}…` : text;
  }

  statuses(): TrackerStatus[] {
    return [...this.#entries.values()].map(
      ({ instance, kind, state, since, lastError, webhook, webhookSince }) => ({
        instance,
        kind,
        state,
        ...(since !== undefined ? { since } : {}),
        ...(lastError !== undefined ? { lastError } : {}),
        ...(webhook !== undefined ? { webhook, webhookSince: webhookSince! } : {}),
      }),
    );
  }

  /**
   * One advisory check per tracker, and one for its webhooks where the adapter can tell
   * (`trackers.<instance>.webhooks`): shown by /readyz, never what makes the bridge not ready.
   */
  readiness(): ReadinessCheck[] {
    const reachability: ReadinessCheck[] = [...this.#entries.values()].map((entry) => ({
      name: `trackers.${entry.instance}`,
      advisory: true,
      check: async () => entry.state === "reachable",
      explain: () => {
        switch (entry.state) {
          case "unreachable":
            return `unreachable since ${new Date(entry.since!).toISOString()}: ${entry.lastError}`;
          case "example":
            return `an example (trackers.${entry.instance}.example: true): not contacted`;
          default:
            return "not contacted yet";
        }
      },
    }));
    const webhooks: ReadinessCheck[] = [...this.#entries.values()]
      .filter((entry) => entry.watchesWebhooks && entry.state !== "example")
      .map((entry) => ({
        name: `trackers.${entry.instance}.webhooks`,
        advisory: true,
        check: async () => entry.webhooksSeen === true && entry.webhook === undefined,
        explain: () =>
          entry.webhook === undefined
            ? "not checked yet"
            : `since ${new Date(entry.webhookSince!).toISOString()}: ${entry.webhook}`,
      }));
    return [...reachability, ...webhooks];
  }
}
