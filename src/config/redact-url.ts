import { linear } from "../text/linear.js";

/**
 * A URL as it may be printed — in a log line, a CLI message, a configuration error — with
 * what would let a reader in replaced by `***`: the password (`redis://:secret@host`,
 * `postgres://u:secret@host/db`, a tracker's `https://user:secret@host`), a user given
 * alone (`https://<token>@host` carries the token as the user), and PostgreSQL's
 * `?password=`. A text that is no URL still loses all from `//` to its last `@`, since a
 * password holding `/` or `#` is what makes such a URL unreadable in the first place.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url.replace(/^([a-z][a-z\d+.-]*:)?\/\/[\s\S]*@/i, "$1//***@");
  }
  const hidden = !!u.password || !!u.username || u.searchParams.has("password");
  if (!hidden) return url;
  if (u.password) u.password = "***";
  else if (u.username) u.username = "***";
  if (u.searchParams.has("password")) u.searchParams.set("password", "***");
  return u.href;
}

/** Every string in a parsed document through `redactUrl`, for messages that show the values found. */
export function redactUrlsIn(value: unknown): unknown {
  if (typeof value === "string") return value.includes("@") ? redactUrl(value) : value;
  if (Array.isArray(value)) return value.map(redactUrlsIn);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactUrlsIn(v)]));
  return value;
}

// An error can quote what a tracker answered, so this runs on RE2: on a backtracking
// engine a long run of «a.a.a.…» is rescanned from every word in it.
const userPartInText = linear(/\b([a-z][a-z\d+.-]*:\/\/)[^\s/?#@"'<>]*@/gi);

/** Every `scheme://user:password@` in a free text — an error, a stack — with its user part hidden. */
export function redactUrlsInText(text: string): string {
  return text.replace(userPartInText, "$1***@");
}
