import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import helmet from "@fastify/helmet";
import type { Queue } from "bullmq";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { DateTime } from "luxon";
import type { ConsoleSessions } from "../access/sessions.js";
import type { AccessControl } from "../access/tokens.js";
import type { Config } from "../config/schema.js";
import type { Ticket } from "../domain/ticket.js";
import { Errors, isReglamentError } from "../errors/catalogue.js";
import type { HistoryStore, StoredDecision } from "../history/store.js";
import type { HistoryWriter } from "../history/writer.js";
import type { DecisionLog, LogEntry } from "../queue/decision-log.js";
import type { WorkInspector } from "../queue/inspect.js";
import { buildSlaReport } from "../reports/build.js";
import { dimensions } from "../reports/sla-report.js";
import type { DeploymentPack } from "../runtime/deployment-packs.js";
import type { TrackerStatus } from "../runtime/tracker-health.js";
import type { BoardEntry, SlaBoardView } from "../sla/board-index.js";
import { evaluateClocks } from "../sla/clocks.js";
import { calendarFor, calendarOfProject } from "../sla/pack-sla.js";
import { consoleCss, liveScript } from "./assets.js";
import { type BoardQuery, buildBoard, isBoardState } from "./board.js";
import { html, languageOf, rememberedLanguage } from "./http.js";
import { translator } from "./i18n.js";
import { h, type PageContext } from "./layout.js";
import { type LiveKind, type LiveUpdates, liveKinds } from "./live.js";
import { activityPage } from "./pages/activity-page.js";
import { boardPage } from "./pages/board-page.js";
import { compliancePage, nextMonth } from "./pages/compliance-page.js";
import { healthPage } from "./pages/health-page.js";
import { type TicketView, ticketPage } from "./pages/ticket-page.js";
import { signInRoutes } from "./sign-in.js";

export interface ConsoleDeps {
  config: Config;
  packs: ReadonlyMap<string, DeploymentPack>;
  access: AccessControl;
  sessions: ConsoleSessions;
  board: SlaBoardView;
  live: LiveUpdates;
  log: DecisionLog;
  inspector: WorkInspector;
  history?: HistoryWriter | undefined;
  /** The ticket as the tracker has it now, with its pack (undefined: the bridge never saw it). */
  tracked: (key: string) => Promise<{ ticket: Ticket; deployment: DeploymentPack } | undefined>;
  /** The queues bull-board shows at /console/queues. */
  queues: readonly Queue[];
  /** Whether each tracker answers, as the bridge's calls find it. */
  trackers: () => TrackerStatus[];
  now: () => number;
}

const PAGE_SIZE = 50;

/**
 * The supervisors' console at /console: server-rendered pages (readable without script),
 * live through server-sent events, Russian by default. Every page reads what the bridge
 * keeps — the board index, the decision log, the queues, the history — never a scan of
 * the tickets.
 */
export async function consoleRoutes(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const zone = deps.packs.values().next().value?.time.calendar.zone ?? "Europe/Moscow";
  const packOf = (id: string) => deps.packs.get(id);

  await app.register(async (scope) => {
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string" },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    await scope.register(helmet, consoleHelmet);
    const context = (request: FastifyRequest, reply: FastifyReply): PageContext => {
      const lang = languageOf(request, reply);
      // The guard identified the reader before the route ran; a console page is never open.
      const who = request.who;
      if (!who) throw Errors.UNAUTHORIZED(request.routeOptions.url ?? "/console", deps.access.enabledRoles);
      return { t: translator(lang), lang, who, url: request.url, now: deps.now(), zone };
    };

    // A person reads the console's refusals as a page, not as JSON.
    scope.setErrorHandler((err, request, reply) => {
      if (!isReglamentError(err)) throw err;
      request.log.warn({ code: err.code }, err.message);
      const lang = rememberedLanguage(request);
      return reply
        .status(err.httpStatus)
        .type("text/html; charset=utf-8")
        .send(
          `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${h(err.code)}</title><link rel="stylesheet" href="/console/assets/console.css"></head><body><header><strong>Reglament</strong><a href="/console">${h(translator(lang)("board"))}</a></header><main><h1>${err.httpStatus}</h1><p class="notice" role="alert">${h(err.message)}</p><p class="muted">${h(err.code)}</p></main></body></html>`,
        );
    });

    scope.get("/console/assets/console.css", { config: { access: "open" } }, async (_request, reply) =>
      reply.type("text/css; charset=utf-8").header("cache-control", "max-age=3600").send(consoleCss),
    );
    scope.get("/console/assets/live.js", { config: { access: "open" } }, async (_request, reply) =>
      reply.type("text/javascript; charset=utf-8").header("cache-control", "max-age=3600").send(liveScript),
    );

    signInRoutes(scope, deps.access, deps.sessions);

    scope.get<{ Querystring: Record<string, string | undefined> }>("/console", async (request, reply) => {
      const ctx = context(request, reply);
      const q = request.query;
      const query = boardQuery(q);
      const model = buildBoard(deps.board.entries(), query, ctx.now, (e) => {
        const time = packOf(e.pack)?.time;
        return time && calendarOfProject(time, e.project);
      });
      const shown = (e: BoardEntry) => {
        const deployment = packOf(e.pack);
        if (!deployment) return { zone };
        return {
          zone: calendarOfProject(deployment.time, e.project).zone,
          ...(e.priority ? { priority: deployment.pack.display("priority", e.priority) } : {}),
        };
      };
      return html(reply, boardPage(ctx, model, query, shown, q.fragment === "1"));
    });

    scope.get<{ Params: { instance: string; id: string } }>(
      "/console/tickets/:instance/:id",
      async (request, reply) => {
        const ctx = context(request, reply);
        const { instance, id } = request.params;
        const known = Object.keys(deps.config.trackers);
        if (!Object.hasOwn(deps.config.trackers, instance)) throw Errors.UNKNOWN_INSTANCE(instance, known);
        const view = await ticketView(deps, ctx, instance, id);
        return html(reply, ticketPage(ctx, view, (request.query as Record<string, string>).fragment === "1"));
      },
    );

    scope.get<{ Querystring: Record<string, string | undefined> }>(
      "/console/activity",
      async (request, reply) => {
        const ctx = context(request, reply);
        const q = request.query;
        if (q.outcome && !["violation", "info", "error"].includes(q.outcome))
          throw Errors.QUERY_INVALID(`outcome "${q.outcome}" is not one of violation, info, error`);
        if (q.pack && !deps.packs.has(q.pack))
          throw Errors.QUERY_INVALID(
            `pack "${q.pack}" is not deployed here; use one of ${[...deps.packs.keys()].join(", ")}`,
          );
        if (q.before !== undefined && !/^\d+$/.test(q.before))
          throw Errors.QUERY_INVALID(`before "${q.before}" is not a page cursor (the "older" link's)`);
        const filter = {
          ...(q.rule ? { rule: q.rule.trim() } : {}),
          ...(q.outcome ? { outcome: q.outcome } : {}),
          ...(q.pack ? { pack: q.pack } : {}),
          ...(q.before ? { before: q.before } : {}),
        };
        const page = await fromHistory(deps.history, ctx, (store) =>
          store.decisions({ ...filter, limit: 100 }),
        );
        const packs = [...deps.packs.values()].map((d) => ({ id: d.pack.id, mode: d.pack.mode }));
        return html(reply, activityPage(ctx, { filter, packs, page }, q.fragment === "1"));
      },
    );

    scope.get<{ Querystring: Record<string, string | undefined> }>(
      "/console/health",
      async (request, reply) => {
        const ctx = context(request, reply);
        const [queues, jobs] = await Promise.all([
          deps.inspector.counts(),
          deps.inspector.list({ states: ["failed", "delayed", "active"], limit: 50 }),
        ]);
        const backlog = deps.history?.status().backlog;
        return html(
          reply,
          healthPage(
            ctx,
            {
              trackers: deps.trackers(),
              queues,
              jobs,
              ...(backlog ? { historyBacklog: backlog } : {}),
              ...(request.query.done ? { done: request.query.done } : {}),
            },
            request.query.fragment === "1",
          ),
        );
      },
    );

    for (const verb of ["retry", "drop"] as const) {
      scope.post<{ Body: { jobId?: string; instance?: string } }>(
        `/console/health/${verb}`,
        async (request, reply) => {
          const who = request.who!;
          const jobId = request.body?.jobId;
          const instance = request.body?.instance;
          if (!jobId) throw Errors.QUERY_INVALID(`${verb} needs the job's id (jobId)`);
          if (instance !== undefined && !Object.hasOwn(deps.config.trackers, instance))
            throw Errors.UNKNOWN_INSTANCE(instance, Object.keys(deps.config.trackers));
          const done = await deps.inspector.act(verb, { jobId, ...(instance ? { instance } : {}) });
          request.log.info({ who: who.name, verb, jobId, done }, `console: ${verb} of a dead job`);
          return reply.redirect(
            `/console/health?done=${encodeURIComponent(`${verb} ${jobId}: ${done}`)}`,
            303,
          );
        },
      );
    }

    scope.get<{ Querystring: Record<string, string | undefined> }>(
      "/console/compliance",
      async (request, reply) => {
        const ctx = context(request, reply);
        const withSla = [...deps.packs.values()].filter((d) => d.time.sla).map((d) => d.pack.id);
        const pack = request.query.pack ?? withSla[0] ?? "";
        const deployment = deps.packs.get(pack);
        if (!deployment?.time.sla)
          throw Errors.QUERY_INVALID(
            `pack "${pack}" has no SLA table here; use one of ${withSla.join(", ") || "(none deployed)"}`,
          );
        const calendar = deployment.time.calendar;
        const month =
          request.query.month ?? DateTime.fromMillis(ctx.now, { zone: calendar.zone }).toFormat("yyyy-MM");
        if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
          throw Errors.QUERY_INVALID(`month "${month}" must be YYYY-MM, e.g. 2026-03`);
        const report = await fromHistory(deps.history, ctx, (store) =>
          buildSlaReport({
            pack: deployment.pack,
            time: deployment.time,
            from: `${month}-01`,
            to: `${nextMonth(month)}-01`,
            by: dimensions,
            now: ctx.now,
            source: { store },
          }),
        );
        return html(reply, compliancePage(ctx, { packs: withSla, pack, month, report }));
      },
    );

    scope.get<{ Querystring: { kinds?: string } }>("/console/events", async (request, reply) => {
      const kinds = (request.query.kinds ?? "board").split(",").filter(Boolean);
      const bad = kinds.filter((k) => !(liveKinds as readonly string[]).includes(k));
      if (bad.length)
        throw Errors.QUERY_INVALID(`kinds "${bad.join(",")}" is not one of ${liveKinds.join(", ")}`);
      reply.hijack();
      deps.live.attach(reply.raw, kinds as LiveKind[]);
    });
  });

  const board = new FastifyAdapter();
  createBullBoard({
    queues: deps.queues.map((q) => new BullMQAdapter(q)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: "Reglament" } },
  });
  board.setBasePath("/console/queues");
  await app.register(async (operators) => {
    // bull-board shows and changes every job's data: operators only, even to read.
    operators.addHook("onRoute", (route) => {
      route.config = { ...route.config, access: "operator" };
    });
    // Its page sets inline styles; its scripts are its own files.
    await operators.register(helmet, {
      ...consoleHelmet,
      contentSecurityPolicy: {
        directives: {
          ...consoleHelmet.contentSecurityPolicy.directives,
          styleSrc: ["'self'", "'unsafe-inline'"],
        },
      },
    });
    await operators.register(board.registerPlugin(), { prefix: "/console/queues" });
  });
}

/**
 * The console's pages load only their own script and style sheet, are never framed, and
 * send no referrer to other sites: a console address (with a ticket's instance and id)
 * never reaches a tracker or anyone else through a link.
 */
const consoleHelmet = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  // Not no-referrer: with it Chromium sends `Origin: null` on the console's own form posts,
  // which the cross-site check must refuse.
  referrerPolicy: { policy: "same-origin" as const },
  // Plain HTTP on a laptop is supported; HSTS is the TLS proxy's to send.
  strictTransportSecurity: false,
};

function boardQuery(q: Record<string, string | undefined>): BoardQuery {
  const line = q.line ? Number(q.line) : undefined;
  if (line !== undefined && !(Number.isInteger(line) && line >= 1 && line <= 9))
    throw Errors.QUERY_INVALID(`line "${q.line}" must be a support line number: 1, 2 or 3`);
  if (q.state && !isBoardState(q.state))
    throw Errors.QUERY_INVALID(`state "${q.state}" is not one of running, paused, at_risk, breached`);
  if (q.order && q.order !== "asc" && q.order !== "desc")
    throw Errors.QUERY_INVALID(`order "${q.order}" must be asc (least time left first) or desc`);
  const page = q.page ? Number(q.page) : 1;
  if (!Number.isInteger(page) || page < 1) throw Errors.QUERY_INVALID(`page "${q.page}" must be 1 or more`);
  return {
    ...(q.instance ? { instance: q.instance } : {}),
    ...(q.pack ? { pack: q.pack } : {}),
    ...(line !== undefined ? { line } : {}),
    ...(q.priority ? { priority: q.priority } : {}),
    ...(q.state ? { state: q.state as BoardQuery["state"] & string } : {}),
    order: q.order === "desc" ? "desc" : "asc",
    page,
    pageSize: PAGE_SIZE,
  };
}

/** Runs a history query, or says (in the reader's language) why the history cannot answer. */
async function fromHistory<T>(
  history: HistoryWriter | undefined,
  ctx: PageContext,
  read: (store: HistoryStore) => Promise<T>,
): Promise<T | { problem: string }> {
  if (!history) return { problem: ctx.t("historyOff") };
  try {
    return await read(history.store());
  } catch (err) {
    if (Errors.HISTORY_UNAVAILABLE.is(err)) return { problem: ctx.t("historyUnavailable") };
    throw err;
  }
}

async function ticketView(
  deps: ConsoleDeps,
  ctx: PageContext,
  instance: string,
  id: string,
): Promise<TicketView> {
  const key = `${instance}/${id}`;
  const [log, retries] = await Promise.all([
    deps.log.recent(instance, id, 100),
    deps.log.retries(instance, id),
  ]);
  let clocks: TicketView["clocks"];
  try {
    const found = await deps.tracked(key);
    if (!found) clocks = { problem: ctx.t("notTracked") };
    else {
      const { ticket, deployment } = found;
      const calendar = calendarFor(deployment.time, ticket);
      const reports = deployment.time.sla
        ? evaluateClocks(ticket, {
            calendar,
            spec: deployment.time.sla,
            statuses: deployment.pack.statuses,
            now: ctx.now,
            language: ctx.lang,
          })
        : [];
      clocks = {
        reports,
        zone: calendar.zone,
        pack: deployment.pack.id,
        ...(ticket.ref.url ? { url: ticket.ref.url } : {}),
      };
    }
  } catch (err) {
    clocks = { problem: `${ctx.t("ticketGone")}: ${(err as Error).message}` };
  }
  const alerts = await fromHistory(deps.history, ctx, (store) => store.alertsOf(instance, id));
  // The Redis log keeps the latest entries; when it is full, older decisions are the history's.
  let older: StoredDecision[] = [];
  const oldest = log.at(-1) as LogEntry | undefined;
  if (log.length >= 100 && oldest) {
    const page = await fromHistory(deps.history, ctx, (store) =>
      store.decisions({ instance, ticket: id, until: oldest.at, limit: 100 }),
    );
    if (!("problem" in page)) older = page.decisions;
  }
  return { key, clocks, log, retries, alerts, older };
}
