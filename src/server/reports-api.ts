import type { FastifyInstance } from "fastify";
import { Errors } from "../errors/catalogue.js";
import type { HistoryWriter } from "../history/writer.js";
import { buildSlaReport } from "../reports/build.js";
import { type ReportFormat, renderSlaReport, reportFormats } from "../reports/format.js";
import { type Dimension, dimensions } from "../reports/sla-report.js";
import type { DeploymentPack } from "../runtime/deployment-packs.js";

const contentTypes: Record<ReportFormat, string> = {
  json: "application/json; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  html: "text/html; charset=utf-8",
  text: "text/plain; charset=utf-8",
};

/** `GET /api/reports/sla?pack&from&to[&by=type,priority,line][&format=json|csv|html|text]`: the SLA report from the history. */
export async function reportsApi(
  app: FastifyInstance,
  deps: {
    packs: ReadonlyMap<string, DeploymentPack>;
    history?: HistoryWriter | undefined;
    now?: () => number;
  },
): Promise<void> {
  app.get<{ Querystring: Record<string, string | undefined> }>("/api/reports/sla", async (request, reply) => {
    if (!deps.history) throw Errors.QUERY_INVALID("the history is off (history.enabled: false)");
    const q = request.query;
    const deployment = q.pack ? deps.packs.get(q.pack) : undefined;
    if (!deployment)
      throw Errors.QUERY_INVALID(
        `pack "${q.pack ?? ""}" is not deployed here; use one of ${[...deps.packs.keys()].join(", ")}`,
      );
    for (const name of ["from", "to"] as const) {
      const value = q[name];
      if (!value || !/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value.slice(0, 10))))
        throw Errors.QUERY_INVALID(
          `${name} "${value ?? ""}" must be an ISO 8601 date or moment (2026-03-01)`,
        );
    }
    const by = (q.by ?? dimensions.join(",")).split(",").filter(Boolean);
    const badBy = by.filter((d) => !(dimensions as readonly string[]).includes(d));
    if (badBy.length)
      throw Errors.QUERY_INVALID(`by "${badBy.join(",")}" is not one of ${dimensions.join(", ")}`);
    const format = (q.format ?? "json") as ReportFormat;
    if (!reportFormats.includes(format))
      throw Errors.QUERY_INVALID(`format "${q.format}" is not one of ${reportFormats.join(", ")}`);
    const doc = await buildSlaReport({
      pack: deployment.pack,
      time: deployment.time,
      from: q.from!,
      to: q.to!,
      by: by as Dimension[],
      now: (deps.now ?? Date.now)(),
      source: { store: deps.history.store() },
    });
    return reply.type(contentTypes[format]).send(format === "json" ? doc.rows : renderSlaReport(doc, format));
  });
}
