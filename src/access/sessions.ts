import { createHash, randomBytes } from "node:crypto";
import type { RedisClient } from "../redis/connection.js";
import type { KeySpace } from "../redis/key-space.js";
import type { AccessRole } from "./tokens.js";

/**
 * The console's sign-ins, kept by the server. The cookie holds only an opaque random id;
 * Redis holds who it is under the id's SHA-256 (someone who can read Redis learns no
 * usable cookie). A session ends at its expiry, at sign-out, or as soon as the token that
 * opened it is no longer configured — so removing a token from the configuration and
 * restarting revokes every browser signed in with it.
 *
 * Launch codes are what `serve` prints (and `reglament console link` makes) when no token
 * is configured: single-use (taken with GETDEL, so two browsers cannot both use one) and
 * short-lived. A launch code is not a token: nothing accepts it as a bearer.
 */

export interface Identity {
  name: string;
  role: AccessRole;
}

export interface Session extends Identity {
  /** Fingerprint of the token that opened it (the proxy's and a launch code's have their own). */
  via: string;
  /** When it was opened, ms. */
  at: number;
}

export const sessionHours = 12;
export const launchMinutes = 15;

const digest = (secret: string) => createHash("sha256").update(secret).digest("hex");
const newSecret = () => randomBytes(32).toString("base64url");
/** What a well-formed id or code looks like: 32 random bytes in base64url; nothing else reaches Redis. */
const wellFormed = (value: string) => value.length === 43 && /^[\w-]+$/.test(value);

export class ConsoleSessions {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySpace,
  ) {}

  #sessionKey = (id: string) => this.keys.plain(`console:session:${digest(id)}`);
  #launchKey = (code: string) => this.keys.plain(`console:launch:${digest(code)}`);

  /** Opens a session; resolves to the id the cookie carries. */
  async open(who: Session): Promise<string> {
    const id = newSecret();
    await this.redis.set(this.#sessionKey(id), JSON.stringify(who), "EX", sessionHours * 3600);
    return id;
  }

  /** The session an id names, if it has not ended. */
  async find(id: string): Promise<Session | undefined> {
    if (!wellFormed(id)) return undefined;
    const kept = await this.redis.get(this.#sessionKey(id));
    return kept ? (JSON.parse(kept) as Session) : undefined;
  }

  async end(id: string): Promise<void> {
    if (wellFormed(id)) await this.redis.del(this.#sessionKey(id));
  }

  /** A single-use code that signs a browser in as `role`. */
  async launchCode(role: AccessRole, name = "launch link"): Promise<string> {
    const code = newSecret();
    await this.redis.set(this.#launchKey(code), JSON.stringify({ name, role }), "EX", launchMinutes * 60);
    return code;
  }

  /** Takes a launch code: the identity it was made for, once; undefined when used, expired or unknown. */
  async redeem(code: string): Promise<Identity | undefined> {
    if (!wellFormed(code)) return undefined;
    const kept = await this.redis.getdel(this.#launchKey(code));
    return kept ? (JSON.parse(kept) as Identity) : undefined;
  }
}
