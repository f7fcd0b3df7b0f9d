import type { Config } from "../config/schema.js";
import { Errors, ReglamentError } from "../errors/catalogue.js";
import type { DecisionFilter, DecisionPage } from "../history/store.js";

/**
 * The embedded history store (PGlite) is one process's: while `serve` holds it, the CLI
 * asks that bridge instead (`GET /api/decisions`, the same query). The API wants a bearer
 * token of `server.auth.tokens`, so the CLI presents one the configuration gives as
 * `token` (from the environment it shares with the bridge) — a viewer's when there is one,
 * since reading is all it does. A token kept only as its sha256 cannot be presented.
 */
export async function decisionsViaBridge(
  config: Config,
  filter: DecisionFilter,
  inUse: ReglamentError,
  bridgeUrl: string | undefined,
): Promise<DecisionPage> {
  const tokens = config.server.auth.tokens.filter((t) => t.token);
  const holder = tokens.find((t) => t.role === "viewer") ?? tokens[0];
  if (!holder)
    throw new ReglamentError(inUse, inUse.message, [
      "this command reads it through that bridge when the configuration gives it a token to show: an entry of server.auth.tokens with its token from the environment, set for both the bridge and this command — in the example configuration, export REGLAMENT_VIEWER_TOKEN=<a long random text> before `npm start` and here",
    ]);
  const base = bridgeUrl ?? defaultBridgeUrl(config);
  const url = new URL(`${base}/api/decisions`);
  for (const [key, value] of Object.entries(filter))
    if (value !== undefined) url.searchParams.set(key, String(value));
  const where = `embedded, held by the bridge at ${base}`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { authorization: `Bearer ${holder.token}`, accept: "application/json" },
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    const reason = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw Errors.HISTORY_UNAVAILABLE(
      where,
      `${reason} (the bridge's address is http://server.host:server.port; --bridge-url gives another)`,
    );
  }
  const body = (await res.json().catch(() => undefined)) as
    | (DecisionPage & { message?: string; error?: string })
    | undefined;
  if (res.status === 401 || res.status === 403)
    throw new ReglamentError(
      inUse,
      `the bridge at ${base} refused the token of server.auth.tokens "${holder.name}" (${res.status}): it was started with another value of it; give this command the bridge's`,
    );
  if (res.status >= 400 && res.status < 500)
    throw Errors.QUERY_INVALID(`the bridge at ${base} refused the query: ${body?.message ?? res.status}`);
  if (!res.ok || !body?.decisions)
    throw Errors.HISTORY_UNAVAILABLE(
      where,
      `it answered ${res.status}${body?.message ? `: ${body.message}` : ""}`,
    );
  return body;
}

function defaultBridgeUrl(config: Config): string {
  const { host, port } = config.server;
  // A bridge listening on every address is reached on the loopback one.
  const reach = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `http://${reach.includes(":") ? `[${reach}]` : reach}:${port}`;
}
