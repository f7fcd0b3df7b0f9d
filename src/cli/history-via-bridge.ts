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
  const { body, where, status } = await getFromBridge(
    config,
    "/api/decisions",
    { ...filter },
    inUse,
    bridgeUrl,
  );
  const page = parsed(body) as (DecisionPage & { message?: string }) | undefined;
  if (status >= 300 || !page?.decisions)
    throw Errors.HISTORY_UNAVAILABLE(
      where,
      `it answered ${status}${page?.message ? `: ${page.message}` : ""}`,
    );
  return page;
}

/**
 * `reglament report sla` through the bridge (`GET /api/reports/sla`): the report as the
 * bridge renders it — the same renderer as the CLI's; JSON is indented as the CLI's is.
 */
export async function slaReportViaBridge(
  config: Config,
  query: { pack: string; from: string; to: string; by: readonly string[]; format: string },
  inUse: ReglamentError,
  bridgeUrl: string | undefined,
): Promise<string> {
  const { body, where, status } = await getFromBridge(
    config,
    "/api/reports/sla",
    { ...query, by: query.by.join(",") },
    inUse,
    bridgeUrl,
  );
  if (status >= 300) throw Errors.HISTORY_UNAVAILABLE(where, `it answered ${status}${messageOf(body)}`);
  if (query.format !== "json") return body;
  const rows = parsed(body);
  if (!Array.isArray(rows)) throw Errors.HISTORY_UNAVAILABLE(where, "it answered no rows");
  return `${JSON.stringify(rows, null, 2)}\n`;
}

const parsed = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

const messageOf = (body: string): string => {
  const m = (parsed(body) as { message?: unknown } | undefined)?.message;
  return typeof m === "string" ? `: ${m}` : "";
};

/**
 * A GET of the bridge's API with the configuration's token (a viewer's when there is one).
 * Refusals of the token and of the query are thrown; other answers are returned as they are.
 */
async function getFromBridge(
  config: Config,
  path: string,
  params: Readonly<Record<string, unknown>>,
  inUse: ReglamentError,
  bridgeUrl: string | undefined,
): Promise<{ status: number; body: string; where: string }> {
  const tokens = config.server.auth.tokens.filter((t) => t.token);
  const holder = tokens.find((t) => t.role === "viewer") ?? tokens[0];
  if (!holder)
    throw new ReglamentError(inUse, inUse.message, [
      "this command reads it through that bridge when the configuration gives it a token to show: an entry of server.auth.tokens with its token from the environment, set for both the bridge and this command — in the example configuration, export REGLAMENT_VIEWER_TOKEN=<a long random text> before `npm start` and here",
    ]);
  const base = bridgeUrl ?? defaultBridgeUrl(config);
  const url = new URL(`${base}${path}`);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, String(value));
  const where = `embedded, held by the bridge at ${base}`;
  let res: Response;
  let body: string;
  try {
    res = await fetch(url, {
      headers: { authorization: `Bearer ${holder.token}`, accept: "application/json, text/*" },
      signal: AbortSignal.timeout(15_000),
    });
    // Kept as sent: a CSV report begins with a byte order mark, which res.text() drops.
    body = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer());
  } catch (err) {
    const reason = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw Errors.HISTORY_UNAVAILABLE(
      where,
      `${reason} (the bridge's address is http://server.host:server.port; --bridge-url gives another)`,
    );
  }
  if (res.status === 401 || res.status === 403)
    throw new ReglamentError(
      inUse,
      `the bridge at ${base} refused the token of server.auth.tokens "${holder.name}" (${res.status}): it was started with another value of it; give this command the bridge's`,
    );
  if (res.status >= 400 && res.status < 500)
    throw Errors.QUERY_INVALID(
      `the bridge at ${base} refused the query: ${messageOf(body).slice(2) || res.status}`,
    );
  return { status: res.status, body, where };
}

function defaultBridgeUrl(config: Config): string {
  const { host, port } = config.server;
  // A bridge listening on every address is reached on the loopback one.
  const reach = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `http://${reach.includes(":") ? `[${reach}]` : reach}:${port}`;
}
