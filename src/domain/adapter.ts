import type { Logger } from "pino";
import type { z } from "zod";
import type { TrackerInstance } from "../config/schema.js";
import { Errors } from "../errors/catalogue.js";
import type { Action } from "./action.js";
import type { Change } from "./change.js";
import type { TrackerKind } from "./enums.js";
import type { Actor, LinkedTicket, Ticket, TicketRef } from "./ticket.js";
import type { CapabilityProblem, PackNeed } from "./tracker-needs.js";

/**
 * The one port every tracker adapter implements (after Renovate's platform interface):
 * everything a tracker's field names touch lives behind it, and nothing outside an
 * adapter imports a tracker's shapes.
 */

export interface WebhookRequest {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  rawBody: Buffer;
}

/** One thing that happened to one ticket, as the adapter understood it. */
export interface TrackerEvent {
  /** Stable across redeliveries of the same delivery; the queue's job id. */
  deliveryId: string;
  ref: TicketRef;
  /**
   * What the event changed. Absent for a hint that only names the ticket (MantisBT's
   * plugin): the pipeline then fetches it and compares with its last snapshot, exactly as
   * reconciliation does.
   */
  change?: Change;
  /** The ticket as the payload shows it, when the payload is complete enough to evaluate. */
  ticket?: Ticket;
}

export type ParsedWebhook =
  | { handled: true; events: TrackerEvent[] }
  /** A well-formed delivery the bridge does not act on (another event type, another project). */
  | { handled: false; reason: string };

export interface UpdatedTicket {
  ref: TicketRef;
  updatedAt: string;
}

export interface ListingWindow {
  /** ISO 8601. */
  since: string;
  until?: string;
  projects?: readonly string[];
}

export interface UpdatedPage {
  tickets: UpdatedTicket[];
  /** Where the next listing starts; store it only after every ticket of the page is enqueued. */
  cursor: string;
}

export interface ApplyOptions {
  /**
   * A marker carried in every comment so that a replayed job can see it already posted;
   * a comment with its own `key` carries that key instead.
   */
  marker: string;
  /** Awaited before each request that writes: the bridge's pace per tracker and its back-pressure. */
  beforeWrite?: () => Promise<void>;
}

export interface ApplyResult {
  /** Actions that changed the tracker. */
  applied: Action[];
  /** Actions found already done (an idempotent replay). */
  skipped: Action[];
}

/** A tracker webhook to the bridge that no longer delivers: the tracker paused or disabled it. */
export interface WebhookProblem {
  /** The configured project (its key in `trackers.<instance>.projects`). */
  project: string;
  /** The tracker's id of the hook. */
  hook: string;
  /** `disabled`: off until a person re-enables it; `paused`: the tracker tries again after `until`. */
  state: "disabled" | "paused";
  until?: string;
  /** One line for the administrator: what happened, and how to re-enable it. */
  message: string;
}

export interface TrackerAdapter {
  readonly kind: TrackerKind;
  readonly instance: string;
  /** Throws a 401-mapped ReglamentError when the delivery is not authentic. */
  verifyWebhook(req: WebhookRequest): void;
  /**
   * What can be checked from the headers alone (the secret, or that a signature is there),
   * before the body is read: a stranger's delivery is refused without buffering its body.
   */
  verifyWebhookHeaders?(headers: WebhookRequest["headers"]): void;
  /** Throws a 400-mapped ReglamentError naming the problem when the body is not a known shape. */
  parseWebhook(req: WebhookRequest): ParsedWebhook;
  fetchTicket(ref: TicketRef): Promise<Ticket>;
  /**
   * The ticket's fields as they stand now, without comments and history, in as few
   * requests as the tracker allows: what a write-back compares with its decision's basis.
   * Without it the write-back reads the whole ticket.
   */
  fetchFields?(ref: TicketRef): Promise<Ticket>;
  applyActions(ref: TicketRef, actions: readonly Action[], options: ApplyOptions): Promise<ApplyResult>;
  listUpdatedSince(cursor: string | undefined): Promise<UpdatedPage>;
  /**
   * Every ticket updated in [since, until) of the given projects (all configured when
   * absent), a page at a time, through the tracker's own listing; reads only. The audit's
   * listing: unlike reconciliation it keeps no cursor.
   */
  listUpdated(window: ListingWindow): AsyncGenerator<UpdatedTicket[]>;
  /**
   * A project's open tickets (title, type, status, reporter; no comments), most recently
   * updated first, at most `limit`: what a rule comparing a new ticket with the open ones
   * reads (duplicates). A tracker that cannot filter by openness gives its latest tickets,
   * and the caller keeps those its pack calls open.
   */
  listOpen?(project: string, limit: number): Promise<Ticket[]>;
  /** The tickets linked to this one, where the tracker links tickets (GitLab's issue links). */
  listLinks?(ref: TicketRef): Promise<LinkedTicket[]>;
  /** The ticket a link of this tracker points at (what a person copies from the browser), if it is one. */
  refFromUrl(url: string): TicketRef | undefined;
  /** True when the actor is the bridge's own tracker account. */
  isBridgeActor(actor: Actor): boolean;
  /**
   * Checked at start-up: the token works and every configured project exists and is
   * visible to it. A definite refusal throws REG_TRACKER_ACCESS_DENIED naming the project;
   * an unreachable tracker only throws a retryable error (the bridge starts and retries).
   */
  verifyAccess(): Promise<void>;
  /**
   * Checked at start-up after `verifyAccess`: what the tracker's permissions and settings
   * will refuse or work against, for the needs of each project's pack (project → needs).
   * Reads only; a tracker that does not answer throws a retryable error.
   */
  checkCapabilities?(needs: ReadonlyMap<string, readonly PackNeed[]>): Promise<CapabilityProblem[]>;
  /**
   * Called after each reconciliation run: whether the tracker still delivers its webhooks
   * to the bridge. The adapter decides when to look (every few minutes, and at once when
   * reconciliation found changes no webhook announced): undefined when it did not look this
   * time, [] when every hook delivers. Reads only.
   */
  checkWebhooks?(): Promise<WebhookProblem[] | undefined>;
}

/** A request a dry run would have sent: what `reglament simulate` shows. */
export interface RecordedRequest {
  method: string;
  url: string;
  body?: unknown;
}

export interface AdapterDeps {
  logger: Logger;
  /**
   * Set for a dry run: reads go to the tracker, every other request is handed here
   * instead of being sent (and answered as a tracker would accept it).
   */
  dryRun?: (request: RecordedRequest) => void;
}

/** A ticket and its change read from a tracker's own JSON, with no network (`reglament check --from`). */
export interface NativeReading {
  ticket: Ticket;
  change: Change;
}

export interface AdapterFactory {
  readonly kind: TrackerKind;
  /** The schema of `trackers.<instance>.options` for this kind, checked when the config loads. */
  readonly optionsSchema: z.ZodType;
  /** Builds the adapter of one configured instance; validates `options` and throws a precise error when they are wrong. */
  create(instance: string, config: TrackerInstance, deps: AdapterDeps): TrackerAdapter;
  /**
   * Reads a native payload or issue JSON (a webhook body, an API answer) into a ticket
   * and change; throws REG_INPUT_INVALID naming what is missing when it is not one.
   */
  readNative(input: unknown, instance: string, options: Record<string, unknown>): NativeReading;
}

/** Maps a tracker kind to its adapter factory; an unregistered kind fails with the valid ones. */
export class AdapterRegistry {
  readonly #factories = new Map<string, AdapterFactory>();

  constructor(factories: readonly AdapterFactory[] = []) {
    for (const f of factories) this.register(f);
  }

  register(factory: AdapterFactory): void {
    this.#factories.set(factory.kind, factory);
  }

  kinds(): string[] {
    return [...this.#factories.keys()].sort();
  }

  /** Each kind's options schema, for validating `trackers.<instance>.options` with the config. */
  optionSchemas(): Record<string, z.ZodType> {
    return Object.fromEntries([...this.#factories].map(([kind, f]) => [kind, f.optionsSchema]));
  }

  get(kind: string): AdapterFactory {
    const factory = this.#factories.get(kind);
    if (!factory) throw Errors.UNKNOWN_TRACKER_KIND(kind, this.kinds());
    return factory;
  }
}
