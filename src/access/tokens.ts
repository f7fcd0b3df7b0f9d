import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";

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

/** A token's fingerprint, kept with the sessions it opened so they end when it is removed. */
const fingerprint = (digest: Buffer) => createHash("sha256").update(digest).digest("hex").slice(0, 16);

export interface TokenHolder {
  name: string;
  role: AccessRole;
  /** `token:<fingerprint>` of the configured token. */
  via: string;
}

/**
 * Who holds which configured token. Tokens are kept as SHA-256 digests and compared in
 * constant time; nothing here is ever logged or put in a URL.
 */
export class AccessControl {
  readonly #tokens: KnownToken[];

  constructor(readonly config: AuthConfig) {
    this.#tokens = config.tokens.flatMap((t): KnownToken[] => {
      if (t.sha256) return [{ name: t.name, role: t.role, digest: Buffer.from(t.sha256, "hex") }];
      if (t.token) return [{ name: t.name, role: t.role, digest: sha256(t.token) }];
      return [];
    });
  }

  /** True when no token and no proxy is configured: nobody could sign in without a launch link. */
  static closed(config: AuthConfig): boolean {
    return !config.proxy && !config.tokens.some((t) => t.token || t.sha256);
  }

  /** Who holds this token, or undefined. */
  identifyToken(token: string): TokenHolder | undefined {
    const digest = sha256(token);
    // Every token is compared, so the time taken says nothing about which one nearly matched.
    let found: KnownToken | undefined;
    for (const t of this.#tokens) if (timingSafeEqual(t.digest, digest)) found ??= t;
    return found
      ? { name: found.name, role: found.role, via: `token:${fingerprint(found.digest)}` }
      : undefined;
  }

  /** True while the configured token a session was opened with is still configured, for the same role. */
  stillHolds(holder: { name: string; role: AccessRole; via: string }): boolean {
    if (!holder.via.startsWith("token:")) return true;
    return this.#tokens.some(
      (t) =>
        t.name === holder.name && t.role === holder.role && `token:${fingerprint(t.digest)}` === holder.via,
    );
  }

  /** The roles that can be used at all (a role without a token is off). */
  get enabledRoles(): AccessRole[] {
    const on = new Set(this.#tokens.map((t) => t.role));
    if (this.config.proxy) on.add(this.config.proxy.role);
    return roles.filter((r) => on.has(r));
  }

  /** The person an authenticating reverse proxy vouches for, if one is trusted. */
  proxyUser(
    headers: Record<string, string | string[] | undefined>,
  ): { name: string; role: AccessRole } | undefined {
    const proxy = this.config.proxy;
    const user = proxy ? headers[proxy.userHeader.toLowerCase()] : undefined;
    return proxy && typeof user === "string" && user
      ? { name: `proxy:${user}`, role: proxy.role }
      : undefined;
  }
}
