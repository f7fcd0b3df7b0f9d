import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
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

export class AccessControl {
  readonly #tokens: KnownToken[];

  constructor(private readonly config: AuthConfig) {
    this.#tokens = config.tokens.flatMap((t): KnownToken[] => {
      if (t.sha256) return [{ name: t.name, role: t.role, digest: Buffer.from(t.sha256, "hex") }];
      if (t.token) return [{ name: t.name, role: t.role, digest: sha256(t.token) }];
      return [];
    });
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
    if (bearer) {
      const digest = sha256(bearer);
      // Every token is compared, so the time taken says nothing about which one nearly matched.
      let found: KnownToken | undefined;
      for (const t of this.#tokens) if (timingSafeEqual(t.digest, digest)) found ??= t;
      return found ? { name: found.name, role: found.role } : undefined;
    }
    const proxy = this.config.proxy;
    const user = proxy ? request.headers[proxy.userHeader.toLowerCase()] : undefined;
    if (proxy && typeof user === "string" && user) return { name: `proxy:${user}`, role: proxy.role };
    return undefined;
  }

  /** Guards the protected paths of an app: 401 without a known token, 403 for a viewer acting. */
  protect(app: FastifyInstance, isProtected: (url: string) => boolean): void {
    app.addHook("onRequest", async (request) => {
      if (!isProtected(request.url)) return;
      const who = this.identify(request);
      if (!who) throw Errors.UNAUTHORIZED(request.url.split("?")[0]!, this.enabledRoles);
      const reads = request.method === "GET" || request.method === "HEAD";
      if (!reads && who.role !== "operator")
        throw Errors.FORBIDDEN(who.name, request.method, request.url.split("?")[0]!);
    });
  }
}

/** `/api/*`, `/metrics`, `/console*` — what tells about tickets, people and the bridge's work. */
export function isProtectedPath(url: string): boolean {
  const path = url.split("?")[0]!;
  return (
    path.startsWith("/api/") || path === "/metrics" || path === "/console" || path.startsWith("/console/")
  );
}
