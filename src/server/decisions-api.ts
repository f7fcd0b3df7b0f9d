import type { FastifyInstance } from "fastify";
import type { Config } from "../config/schema.js";
import { Errors } from "../errors/catalogue.js";
import type { HistoryStore } from "../history/store.js";
import type { HistoryWriter } from "../history/writer.js";
import type { DecisionLog } from "../queue/decision-log.js";

/**
 * `GET /api/tickets/:instance/:id/decisions`: the ticket's recent decisions and write-back
 * results, newest first, the summaries of its retried jobs, and (when kept) its decisions
 * from the history.
 */
export async function decisionsApi(
  app: FastifyInstance,
  deps: { config: Config; log: DecisionLog; history?: HistoryWriter | undefined },
): Promise<void> {
  app.get<{ Params: { instance: string; id: string }; Querystring: { limit?: string } }>(
    "/api/tickets/:instance/:id/decisions",
    async (request) => {
      const { instance, id } = request.params;
      if (!Object.hasOwn(deps.config.trackers, instance))
        throw Errors.UNKNOWN_INSTANCE(instance, Object.keys(deps.config.trackers));
      const limit = Math.min(500, Math.max(1, Number(request.query.limit ?? 50) || 50));
      const [entries, retries] = await Promise.all([
        deps.log.recent(instance, id, limit),
        deps.log.retries(instance, id),
      ]);
      // The Redis list is a cache of the latest entries; the history has all the decisions.
      let history: Awaited<ReturnType<HistoryStore["decisions"]>> | undefined;
      try {
        history = await deps.history?.store().decisions({ instance, ticket: id, limit });
      } catch (err) {
        if (!Errors.HISTORY_UNAVAILABLE.is(err)) throw err;
      }
      return { instance, ticket: id, entries, retries, ...(history ? { history } : {}) };
    },
  );

  /**
   * `GET /api/decisions?instance&ticket&rule&outcome&pack&since&until&limit&before`: decisions
   * across tickets from the history store, newest first; `next` pages on (`before=<next>`).
   */
  app.get<{ Querystring: Record<string, string | undefined> }>("/api/decisions", async (request) => {
    if (!deps.history) throw Errors.QUERY_INVALID("the history is off (history.enabled: false)");
    const q = request.query;
    const known = Object.keys(deps.config.trackers);
    if (q.instance && !known.includes(q.instance)) throw Errors.UNKNOWN_INSTANCE(q.instance, known);
    for (const name of ["since", "until"] as const) {
      const value = q[name];
      if (value !== undefined && (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))))
        throw Errors.QUERY_INVALID(
          `${name} "${value}" is not an ISO 8601 date or moment (2026-03-01, 2026-03-01T09:00:00+03:00)`,
        );
    }
    if (q.outcome && !["violation", "info", "error"].includes(q.outcome))
      throw Errors.QUERY_INVALID(`outcome "${q.outcome}" is not one of violation, info, error`);
    if (q.before !== undefined && !/^\d+$/.test(q.before))
      throw Errors.QUERY_INVALID(
        `before "${q.before}" is not a page cursor (the "next" of a previous answer)`,
      );
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw Errors.QUERY_INVALID(`limit "${q.limit}" must be a whole number from 1 to 1000`);
    return deps.history.store().decisions({
      ...(q.instance ? { instance: q.instance } : {}),
      ...(q.ticket ? { ticket: q.ticket } : {}),
      ...(q.rule ? { rule: q.rule } : {}),
      ...(q.outcome ? { outcome: q.outcome } : {}),
      ...(q.pack ? { pack: q.pack } : {}),
      ...(q.since ? { since: q.since } : {}),
      ...(q.until ? { until: q.until } : {}),
      ...(q.before ? { before: q.before } : {}),
      limit,
    });
  });
}
