import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { Errors } from "../errors/catalogue.js";

/**
 * Who may read what the bridge knows. `/api/*`, `/metrics` and the console need a bearer
 * token of `server.auth.tokens` (kept as its SHA-256, or given from the environment and
 * hashed at start); `viewer` may read, `operator` may also act. A role with no token is
 * off — closed, not open. `/healthz`, `/readyz` and `/webhooks/*` keep their own rules
 * (webhooks carry their tracker's secret). Optionally a reverse proxy's authenticated-user
 * header is trusted for single sign-on.
 */

export const roles = ["viewer", "operator"] as const;
export type AccessRole = (typeof roles)[number];

const hex64 = z
  .string()
  .regex(/^[0-9a-f]{64}$/i, "a SHA-256 in hex (64 characters): `printf %s TOKEN | sha256sum`");

export const AuthConfig = z
  .strictObject({
    tokens: z
      .array(
        z
          .strictObject({
            name: z.string().min(1),
            role: z.enum(roles),
            /** The token itself, from the environment; an empty value turns this entry off. */
            token: z.string().optional(),
            /** Or its SHA-256, so that the file never holds the token. */
            sha256: z.union([hex64, z.literal("")]).optional(),
          })
          .refine((t) => t.token !== undefined || t.sha256 !== undefined, {
            message: "give the token (from the environment) or its sha256",
          }),
      )
      .default([]),
    /** Trust this header of an authenticating reverse proxy (single sign-on); off when absent. */
    proxy: z
      .strictObject({ userHeader: z.string().min(1), role: z.enum(roles).default("viewer") })
      .optional(),
  })
  .prefault({});
export type AuthConfig = z.infer<typeof AuthConfig>;

interface KnownToken {
  name: string;
  role: AccessRole;
  digest: Buffer;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest();

/** The console's sign-in cookie: the token itself, readable by the server only, sent to /console only. */
export const sessionCookie = "reglament_session";

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export class AccessControl {
  readonly #tokens: KnownToken[];

  /**
   * `launchKey`: a token made at start when none is configured, so the person who started
   * the bridge on a laptop can open the console from the link it prints; an operator's.
   */
  constructor(
    private readonly config: AuthConfig,
    launchKey?: string,
  ) {
    this.#tokens = config.tokens.flatMap((t): KnownToken[] => {
      if (t.sha256) return [{ name: t.name, role: t.role, digest: Buffer.from(t.sha256, "hex") }];
      if (t.token) return [{ name: t.name, role: t.role, digest: sha256(t.token) }];
      return [];
    });
    if (launchKey) this.#tokens.push({ name: "launch link", role: "operator", digest: sha256(launchKey) });
  }

  /** True when no token and no proxy is configured: nobody could sign in without a launch key. */
  static closed(config: AuthConfig): boolean {
    return !config.proxy && !config.tokens.some((t) => t.token || t.sha256);
  }

  /** Who holds this token, or undefined. */
  identifyToken(token: string): { name: string; role: AccessRole } | undefined {
    const digest = sha256(token);
    // Every token is compared, so the time taken says nothing about which one nearly matched.
    let found: KnownToken | undefined;
    for (const t of this.#tokens) if (timingSafeEqual(t.digest, digest)) found ??= t;
    return found ? { name: found.name, role: found.role } : undefined;
  }

  /** The roles that can be used at all (a role without a token is off). */
  get enabledRoles(): AccessRole[] {
    const on = new Set(this.#tokens.map((t) => t.role));
    if (this.config.proxy) on.add(this.config.proxy.role);
    return roles.filter((r) => on.has(r));
  }

  /** Who the request is, or undefined. */
  identify(request: FastifyRequest): { name: string; role: AccessRole } | undefined {
    const auth = request.headers.authorization;
    const bearer = typeof auth === "string" ? /^Bearer\s+(\S+)$/i.exec(auth)?.[1] : undefined;
    if (bearer) return this.identifyToken(bearer);
    // The sign-in cookie is the console's: the API keeps to bearer tokens, so no other site's page can use it there.
    const cookie = request.url.startsWith("/console")
      ? cookieValue(request.headers.cookie, sessionCookie)
      : undefined;
    if (cookie) return this.identifyToken(cookie);
    const proxy = this.config.proxy;
    const user = proxy ? request.headers[proxy.userHeader.toLowerCase()] : undefined;
    if (proxy && typeof user === "string" && user) return { name: `proxy:${user}`, role: proxy.role };
    return undefined;
  }

  /**
   * Guards the protected paths of an app: 401 without a known token (a person opening a
   * console page is sent to the sign-in page instead), 403 for a viewer acting or opening
   * an operator's page, and 403 for a signed-in browser's write that another site sent.
   */
  protect(app: FastifyInstance, isProtected: (url: string) => boolean): void {
    // A callback hook: the open paths (webhooks above all) pass without a promise each.
    app.addHook("onRequest", (request, reply, done) => {
      if (!isProtected(request.url)) return done();
      this.#check(request, reply).then(
        (answered) => {
          if (!answered) done();
        },
        (err: Error) => done(err),
      );
    });
  }

  /** Resolves to true when it answered the request itself (a redirect, a refusal). */
  async #check(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const path = request.url.split("?")[0]!;
    const who = this.identify(request);
    const reads = request.method === "GET" || request.method === "HEAD";
    if (!who) {
      if (reads && isConsolePage(path)) {
        reply.redirect(`/console/login?next=${encodeURIComponent(request.url)}`, 303);
        return true;
      }
      throw Errors.UNAUTHORIZED(path, this.enabledRoles);
    }
    if ((!reads || isOperatorPage(path)) && who.role !== "operator") {
      const refusal = Errors.FORBIDDEN(who.name, request.method, path);
      // bull-board's routes answer errors with their own handler (a 500): the refusal is sent here.
      if (isOperatorPage(path)) {
        reply.code(refusal.httpStatus).send({ error: refusal.code, message: refusal.message });
        return true;
      }
      throw refusal;
    }
    if (!reads && !request.headers.authorization && !sameOrigin(request))
      throw Errors.CROSS_SITE(request.method, path);
    return false;
  }
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

/** `/api/*`, `/metrics`, `/console*` — what tells about tickets, people and the bridge's work. */
export function isProtectedPath(url: string): boolean {
  const query = url.indexOf("?");
  const path = query < 0 ? url : url.slice(0, query);
  if (path === "/console/login" || path === "/console/launch" || path.startsWith("/console/assets/"))
    return false;
  return (
    path.startsWith("/api/") || path === "/metrics" || path === "/console" || path.startsWith("/console/")
  );
}

/** A page a person opens in a browser (not the live-update stream, not bull-board's API). */
const isConsolePage = (path: string) =>
  (path === "/console" || path.startsWith("/console/")) &&
  path !== "/console/events" &&
  !path.startsWith("/console/queues/api/");

/** bull-board shows and changes every job's data: operators only. */
const isOperatorPage = (path: string) => path === "/console/queues" || path.startsWith("/console/queues/");
