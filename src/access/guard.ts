import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Errors, type ReglamentError } from "../errors/catalogue.js";
import type { ConsoleSessions, Identity } from "./sessions.js";
import type { AccessControl } from "./tokens.js";

/**
 * Who may reach a route is the route's own setting, read after the router has matched the
 * request — never a prefix test on the raw URL. So every spelling the router accepts for a
 * path (`%61pi`, `//`, a trailing slash, a full URL in the request line) meets the same
 * check as the plain one, and a route added without a setting is closed: GET and HEAD for
 * a viewer, anything else for an operator. Open routes say so: `config: { access: "open" }`.
 */
export type RouteAccess = "open" | "viewer" | "operator";

declare module "fastify" {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Who the request is, once the guard has identified it (null on open routes). */
    who: Identity | null;
  }
}

/** The console's cookie: an opaque session id, sent to /console only. */
export const sessionCookie = "reglament_session";

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const isConsoleRoute = (pattern: string) => pattern === "/console" || pattern.startsWith("/console/");
/** A page a person opens in a browser (not the live-update stream, not bull-board's API). */
const isConsolePage = (pattern: string) =>
  isConsoleRoute(pattern) && pattern !== "/console/events" && !pattern.startsWith("/console/queues/api/");

interface Identified extends Identity {
  /** A bearer token is sent on purpose; a cookie or a proxy's header by the browser on its own. */
  ambient: boolean;
}

export class Guard {
  constructor(
    private readonly access: AccessControl,
    private readonly sessions: ConsoleSessions | undefined,
  ) {}

  readonly #routes: { method: string | string[]; url: string; config?: { access?: RouteAccess } }[] = [];

  /** Every route the app has and what it needs, as the router matches them (the security suite walks them). */
  get routes(): { method: string; url: string; access: RouteAccess }[] {
    return this.#routes.flatMap((r) =>
      [r.method].flat().map((method) => ({
        method,
        url: r.url,
        access: r.config?.access ?? defaultAccess(method),
      })),
    );
  }

  install(app: FastifyInstance): void {
    app.decorateRequest("who", null);
    // Kept by reference: a scope's own onRoute hook (bull-board's) may still change the setting.
    app.addHook("onRoute", (route) => {
      this.#routes.push(route);
    });
    // A callback hook: the open routes (webhooks above all) pass without a promise each.
    app.addHook("onRequest", (request, reply, done) => {
      // The route's config carries its pattern too: one read of routeOptions (a getter that
      // builds an object) on the webhooks' path.
      const { config } = request.routeOptions;
      if (config.access === "open") return done();
      const pattern = config.url;
      // No route matched: the not-found handler answers, and it shows nothing.
      if (pattern === undefined) return done();
      const needs = config.access ?? defaultAccess(request.method);
      this.#check(request, reply, pattern, needs).then(
        (answered) => {
          if (!answered) done();
        },
        (err: Error) => done(err),
      );
    });
  }

  /** Who the request is: a bearer token, the console's session cookie, or a trusted proxy's user. */
  async identify(request: FastifyRequest, pattern: string): Promise<Identified | undefined> {
    const auth = request.headers.authorization;
    if (typeof auth === "string" && auth.length > 7 && auth.slice(0, 7).toLowerCase() === "bearer ") {
      const holder = this.access.identifyToken(auth.slice(7).trim());
      return holder && { name: holder.name, role: holder.role, ambient: false };
    }
    // The cookie is the console's: the API keeps to bearer tokens, so no other site's page can use it there.
    const id = isConsoleRoute(pattern) ? cookieValue(request.headers.cookie, sessionCookie) : undefined;
    if (id && this.sessions) {
      const session = await this.sessions.find(id).catch(() => {
        throw Errors.SESSIONS_UNAVAILABLE();
      });
      if (session && this.access.stillHolds(session))
        return { name: session.name, role: session.role, ambient: true };
    }
    const user = this.access.proxyUser(request.headers);
    return user && { ...user, ambient: true };
  }

  /** Resolves to true when it answered the request itself (a redirect, a refusal). */
  async #check(
    request: FastifyRequest,
    reply: FastifyReply,
    pattern: string,
    needs: Exclude<RouteAccess, "open">,
  ): Promise<boolean> {
    const who = await this.identify(request, pattern);
    const reads = request.method === "GET" || request.method === "HEAD";
    let refusal: ReglamentError | undefined;
    if (!who) {
      if (reads && isConsolePage(pattern)) {
        reply.redirect(`/console/login?next=${encodeURIComponent(nextOf(request))}`, 303);
        return true;
      }
      refusal = Errors.UNAUTHORIZED(pattern, this.access.enabledRoles);
    } else if (needs === "operator" && who.role !== "operator") {
      refusal = Errors.FORBIDDEN(who.name, request.method, pattern);
    } else if (!reads && who.ambient && !sameOrigin(request)) {
      refusal = Errors.CROSS_SITE(request.method, pattern);
    }
    if (!refusal) {
      request.who = { name: who!.name, role: who!.role };
      return false;
    }
    if (!pattern.startsWith("/console/queues")) throw refusal;
    // bull-board's routes answer errors with their own handler (a 500): the refusal is sent here.
    if (refusal.httpStatus === 401) reply.header("www-authenticate", 'Bearer realm="reglament"');
    reply.code(refusal.httpStatus).send({ error: refusal.code, message: refusal.message });
    return true;
  }
}

const defaultAccess = (method: string): Exclude<RouteAccess, "open"> =>
  method === "GET" || method === "HEAD" ? "viewer" : "operator";

/** Where sign-in should lead back to: the path the router matched, with the query, never another host. */
function nextOf(request: FastifyRequest): string {
  const query = request.url.indexOf("?");
  const path = new URL(request.url, "http://console.invalid").pathname;
  return path.startsWith("/console") && !path.startsWith("//")
    ? `${path}${query < 0 ? "" : request.url.slice(query)}`
    : "/console";
}

/** A browser's write is the console's own only when it says it comes from this host. */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (typeof origin !== "string") return request.headers["sec-fetch-site"] === "same-origin";
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
