import type { FastifyInstance } from "fastify";
import type { Config } from "../config/schema.js";
import { Errors } from "../errors/catalogue.js";
import type { WorkInspector } from "../queue/inspect.js";
import { type WorkState, workStates } from "../queue/work-states.js";

/**
 * `GET /api/queues[?instance=NAME][&state=waiting,delayed,failed][&ticket=INSTANCE/ID]`:
 * each queue's counts and the jobs that wait, retry (with their tries and last answer) or
 * are dead — stuck work found without reading Redis.
 */
export async function queuesApi(
  app: FastifyInstance,
  deps: { config: Config; inspector: WorkInspector },
): Promise<void> {
  app.get<{ Querystring: { instance?: string; state?: string; ticket?: string } }>(
    "/api/queues",
    async (request) => {
      const { instance, state, ticket } = request.query;
      const known = Object.keys(deps.config.trackers);
      if (instance && !known.includes(instance)) throw Errors.UNKNOWN_INSTANCE(instance, known);
      const states = state?.split(",").filter(Boolean);
      for (const s of states ?? []) {
        if (!(workStates as readonly string[]).includes(s))
          throw Errors.QUERY_INVALID(`state "${s}" is not a queue state; use ${workStates.join(", ")}`);
      }
      let ref: { instance: string; id: string } | undefined;
      if (ticket !== undefined) {
        const slash = ticket.indexOf("/");
        if (slash <= 0 || slash === ticket.length - 1)
          throw Errors.QUERY_INVALID(`ticket "${ticket}" must be <instance>/<id>`);
        ref = { instance: ticket.slice(0, slash), id: ticket.slice(slash + 1) };
        if (!known.includes(ref.instance)) throw Errors.UNKNOWN_INSTANCE(ref.instance, known);
      }
      const [queues, jobs] = await Promise.all([
        deps.inspector.counts(),
        deps.inspector.list({
          ...(states ? { states: states as WorkState[] } : {}),
          ...(instance ? { instance } : {}),
          ...(ref ? { ticket: ref } : {}),
        }),
      ]);
      return { queues, jobs };
    },
  );
}
