import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { cookieValue, sessionCookie } from "../access/guard.js";
import { type ConsoleSessions, type Session, sessionHours } from "../access/sessions.js";
import type { AccessControl } from "../access/tokens.js";
import { Errors } from "../errors/catalogue.js";
import { html, languageOf } from "./http.js";
import { translator } from "./i18n.js";
import { loginPage } from "./pages/login-page.js";

/** Sign-in attempts one address may make a minute, per route (a token, a launch link). */
export const signInsPerMinute = 10;

const signInLimit = {
  max: signInsPerMinute,
  timeWindow: 60_000,
  errorResponseBuilder: (_request: FastifyRequest, context: { ttl: number }) =>
    Errors.SIGN_IN_LIMITED(signInsPerMinute, Math.ceil(context.ttl / 1000)),
};
const open = { access: "open" as const };

/** Only a path of the console itself may be where sign-in leads. */
const safeNext = (next: unknown) =>
  typeof next === "string" && next.startsWith("/console") && !next.startsWith("//") ? next : "/console";

/**
 * Signing in and out of the console. A token typed on the sign-in page, or a launch link,
 * opens a server-side session; the browser keeps only its opaque id, HttpOnly, for
 * /console, SameSite=Strict, and Secure whenever the request came over TLS (directly or,
 * with `server.trustProxy`, through the proxy). Every role may sign out, which ends the
 * session on the server, not just in that browser.
 */
export function signInRoutes(scope: FastifyInstance, access: AccessControl, sessions: ConsoleSessions): void {
  const startSession = async (request: FastifyRequest, reply: FastifyReply, who: Session) => {
    const id = await sessions.open(who).catch(() => {
      throw Errors.SESSIONS_UNAVAILABLE();
    });
    const secure = request.protocol === "https" ? "; Secure" : "";
    reply.header(
      "set-cookie",
      `${sessionCookie}=${id}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${sessionHours * 3600}${secure}`,
    );
  };

  scope.get<{ Querystring: { next?: string; wrong?: string } }>(
    "/console/login",
    { config: open },
    async (request, reply) => {
      const lang = languageOf(request, reply);
      return html(
        reply,
        loginPage(translator(lang), lang, safeNext(request.query.next), request.query.wrong === "1"),
      );
    },
  );

  scope.post<{ Body: { token?: string; next?: string } }>(
    "/console/login",
    { config: { ...open, rateLimit: signInLimit } },
    async (request, reply) => {
      const token = typeof request.body?.token === "string" ? request.body.token.trim() : "";
      const next = safeNext(request.body?.next);
      const who = token ? access.identifyToken(token) : undefined;
      if (!who) {
        request.log.warn("console sign-in with an unknown token");
        return reply.redirect(`/console/login?wrong=1&next=${encodeURIComponent(next)}`, 303);
      }
      await startSession(request, reply, { ...who, at: Date.now() });
      request.log.info({ who: who.name, role: who.role }, "console sign-in");
      return reply.redirect(next, 303);
    },
  );

  /** The link `serve` prints when no token is configured (or `reglament console link` makes): once, for a while. */
  scope.get<{ Querystring: { key?: string } }>(
    "/console/launch",
    { config: { ...open, rateLimit: signInLimit } },
    async (request, reply) => {
      const who = await sessions.redeem(request.query.key ?? "").catch(() => {
        throw Errors.SESSIONS_UNAVAILABLE();
      });
      if (!who) {
        request.log.warn("console launch link used twice, expired or unknown");
        return reply.redirect("/console/login?wrong=1", 303);
      }
      await startSession(request, reply, { ...who, via: "launch", at: Date.now() });
      request.log.info({ who: who.name, role: who.role }, "console sign-in with a launch link");
      return reply.redirect("/console", 303);
    },
  );

  scope.post("/console/logout", { config: open }, async (request, reply) => {
    const id = cookieValue(request.headers.cookie, sessionCookie);
    if (id) await sessions.end(id).catch(() => request.log.warn("could not end a console session: Redis"));
    reply.header("set-cookie", `${sessionCookie}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0`);
    return reply.redirect("/console/login", 303);
  });
}
