import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { AuditReport } from "../audit/report.js";
import type { AuditProgress } from "../audit/run.js";
import { runAuditSession } from "../audit/session.js";
import type { Config } from "../config/schema.js";
import type { TrackerAdapter } from "../domain/adapter.js";
import { Errors, isReglamentError } from "../errors/catalogue.js";
import type { DeploymentPack } from "../runtime/deployment-packs.js";

interface AuditJob {
  id: string;
  instance: string;
  startedAt: string;
  status: "running" | "done" | "failed" | "interrupted";
  progress?: AuditProgress;
  report?: AuditReport;
  error?: { error: string; message: string };
  stop: AbortController;
}

/** How many finished audits are kept for GET /api/audit/:id (the oldest go first). */
const kept = 20;

/**
 * `POST /api/audit` (operator) starts the read-only audit of a tracker instance in the
 * background — body `{instance, since, until?, projects?, pack?, readsPerSecond?}` —
 * and answers 202 with its id; `GET /api/audit/:id` gives its progress and, once done,
 * the report; `DELETE /api/audit/:id` stops it (the report covers what was read).
 */
export async function auditApi(
  app: FastifyInstance,
  deps: {
    config: Config;
    packs: ReadonlyMap<string, DeploymentPack>;
    adapters: ReadonlyMap<string, TrackerAdapter>;
    now?: () => number;
  },
): Promise<void> {
  const jobs = new Map<string, AuditJob>();
  const view = (j: AuditJob) => {
    const { stop: _stop, ...shown } = j;
    return shown;
  };

  app.post<{ Body: Record<string, unknown> }>("/api/audit", async (request, reply) => {
    const body = request.body && typeof request.body === "object" ? request.body : {};
    const instance = typeof body.instance === "string" ? body.instance : "";
    const adapter = deps.adapters.get(instance);
    if (!adapter) throw Errors.UNKNOWN_INSTANCE(instance, [...deps.adapters.keys()]);
    if (
      typeof body.since !== "string" ||
      !(/^\d{1,6}d$/.test(body.since) || /^\d{4}-\d{2}-\d{2}/.test(body.since))
    )
      throw Errors.QUERY_INVALID(
        `since "${String(body.since ?? "")}" must be "30d" (days back) or an ISO 8601 date`,
      );
    if (
      body.until !== undefined &&
      (typeof body.until !== "string" || Number.isNaN(Date.parse(body.until.slice(0, 10))))
    )
      throw Errors.QUERY_INVALID(`until "${String(body.until)}" must be an ISO 8601 date or moment`);
    const projects = Array.isArray(body.projects) ? body.projects.map(String) : undefined;
    const job: AuditJob = {
      id: randomUUID(),
      instance,
      startedAt: new Date().toISOString(),
      status: "running",
      stop: new AbortController(),
    };
    const run = runAuditSession(
      { config: deps.config, packs: deps.packs, adapter },
      {
        instance,
        since: body.since,
        ...(typeof body.until === "string" ? { until: body.until } : {}),
        ...(projects ? { projects } : {}),
        ...(typeof body.pack === "string" ? { pack: body.pack } : {}),
        ...(typeof body.readsPerSecond === "number" ? { readsPerSecond: body.readsPerSecond } : {}),
      },
      {
        now: (deps.now ?? Date.now)(),
        signal: job.stop.signal,
        onProgress: (p) => {
          job.progress = p;
        },
      },
    );
    jobs.set(job.id, job);
    for (const old of [...jobs.values()].filter((j) => j.status !== "running").slice(0, -kept))
      jobs.delete(old.id);
    run.then(
      ({ result, report }) => {
        job.report = report;
        job.status = result.interrupted ? "interrupted" : "done";
      },
      (err: unknown) => {
        job.status = "failed";
        job.error = isReglamentError(err)
          ? { error: err.code, message: err.message }
          : { error: "REG_INTERNAL", message: (err as Error).message };
      },
    );
    return reply.status(202).send(view(job));
  });

  app.get<{ Params: { id: string } }>("/api/audit/:id", async (request) => {
    const job = jobs.get(request.params.id);
    if (!job) throw Errors.NOT_FOUND(`audit ${request.params.id}`);
    return view(job);
  });

  app.delete<{ Params: { id: string } }>("/api/audit/:id", async (request) => {
    const job = jobs.get(request.params.id);
    if (!job) throw Errors.NOT_FOUND(`audit ${request.params.id}`);
    job.stop.abort();
    return view(job);
  });
}
