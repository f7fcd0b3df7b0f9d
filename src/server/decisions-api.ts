import type { FastifyInstance } from "fastify";
import type { Config } from "../config/schema.js";
import { Errors } from "../errors/catalogue.js";
import type { DecisionLog } from "../queue/decision-log.js";

/** `GET /api/tickets/:instance/:id/decisions`: the ticket's recent decisions and write-back results, newest first, and the summaries of its retried jobs. */
export async function decisionsApi(
  app: FastifyInstance,
  deps: { config: Config; log: DecisionLog },
): Promise<void> {
  app.get<{ Params: { instance: string; id: string }; Querystring: { limit?: string } }>(
    "/api/tickets/:instance/:id/decisions",
    async (request) => {
      const { instance, id } = request.params;
      if (!(instance in deps.config.trackers))
        throw Errors.UNKNOWN_INSTANCE(instance, Object.keys(deps.config.trackers));
      const limit = Math.min(500, Math.max(1, Number(request.query.limit ?? 50) || 50));
      const [entries, retries] = await Promise.all([
        deps.log.recent(instance, id, limit),
        deps.log.retries(instance, id),
      ]);
      return { instance, ticket: id, entries, retries };
    },
  );
}
