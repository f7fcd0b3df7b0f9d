import type { ServerResponse } from "node:http";
import type { Logger } from "pino";
import { duplicateConnection, type RedisClient } from "../redis/connection.js";
import type { SlaBoardView } from "../sla/board-index.js";

/**
 * Server-sent events for the console's live pages. Kinds: `board` (a clock's state
 * changed, from the board index), `decisions` (a ticket's decision log grew) and
 * `history` (the history store stored a batch: the activity feed can show it). Changes
 * are announced on Redis channels, so a page follows what any bridge process does; a
 * burst of changes reaches each page as one event per kind within a tenth of a second.
 */

export const liveKinds = ["board", "decisions", "history"] as const;
export type LiveKind = (typeof liveKinds)[number];

interface Client {
  res: ServerResponse;
  kinds: ReadonlySet<LiveKind>;
  pending: Set<LiveKind>;
  timer?: NodeJS.Timeout;
}

const HEARTBEAT_MS = 15_000;
const COALESCE_MS = 100;

export class LiveUpdates {
  readonly #clients = new Set<Client>();
  #subscriber: RedisClient | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #stopBoard: (() => void) | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly channels: Partial<Record<Exclude<LiveKind, "board">, string>>,
    private readonly board: SlaBoardView,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.#stopBoard = this.board.listen(() => this.#emit("board"));
    const byChannel = new Map(Object.entries(this.channels).map(([kind, ch]) => [ch, kind as LiveKind]));
    if (byChannel.size) {
      const subscriber = duplicateConnection(this.redis, { enableAutoPipelining: false });
      this.#subscriber = subscriber;
      subscriber.on("error", () => {});
      subscriber.on("message", (channel: string) => {
        const kind = byChannel.get(channel);
        if (kind) this.#emit(kind);
      });
      await subscriber.subscribe(...byChannel.keys());
    }
    this.#heartbeat = setInterval(() => {
      for (const c of this.#clients) c.res.write(": keep-alive\n\n");
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  /** Keeps `res` open as an event stream of the given kinds until the browser leaves. */
  attach(res: ServerResponse, kinds: readonly LiveKind[]): void {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write("retry: 2000\n\n");
    const client: Client = { res, kinds: new Set(kinds), pending: new Set() };
    this.#clients.add(client);
    res.on("close", () => {
      clearTimeout(client.timer);
      this.#clients.delete(client);
    });
  }

  get clients(): number {
    return this.#clients.size;
  }

  #emit(kind: LiveKind): void {
    for (const c of this.#clients) {
      if (!c.kinds.has(kind)) continue;
      c.pending.add(kind);
      c.timer ??= setTimeout(() => {
        c.timer = undefined;
        for (const k of c.pending) c.res.write(`event: ${k}\ndata: {}\n\n`);
        c.pending.clear();
      }, COALESCE_MS);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    this.#stopBoard?.();
    for (const c of this.#clients) {
      clearTimeout(c.timer);
      c.res.end();
    }
    this.#clients.clear();
    this.#subscriber?.disconnect();
    this.logger.debug("console live updates closed");
  }
}
