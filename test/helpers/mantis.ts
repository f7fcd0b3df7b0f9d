import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { MantisNormaliser } from "../../adapters/mantis/normalise.js";
import { MantisOptions } from "../../adapters/mantis/options.js";

/**
 * The request/response pairs recorded from a real MantisBT 2.28.4 server (copied from
 * ../shared/fixtures/mantisbt/, see its README in test/fixtures/mantisbt/).
 */
const dir = join(import.meta.dirname, "../fixtures/mantisbt");

interface Exchange {
  method: string;
  path: string;
  status: number;
  reason: string;
  headers: Record<string, string>;
  body_empty: boolean;
}
const index = JSON.parse(readFileSync(join(dir, "exchanges.json"), "utf8")) as Record<string, Exchange>;

export function mantisExchange(
  name: string,
): Exchange & { request: { body?: unknown }; response: Record<string, unknown> } {
  const exchange = index[name];
  if (!exchange) throw new Error(`no recorded exchange "${name}"`);
  return {
    ...exchange,
    request: JSON.parse(readFileSync(join(dir, `${name}.request.json`), "utf8")),
    response: JSON.parse(readFileSync(join(dir, `${name}.response.json`), "utf8")),
  };
}

/** The issue a recorded GET/PATCH answered (`{ issues: [issue] }`), for a test to vary. */
export function mantisIssue(name: string): Record<string, unknown> & { id: number } {
  const body = mantisExchange(name).response as { issues?: unknown[]; issue?: unknown };
  return structuredClone((body.issues?.[0] ?? body.issue) as Record<string, unknown> & { id: number });
}

export const MANTIS = "https://mantis.test";
export const sevastopolOptions = { lineField: "Линия поддержки" };

export function mantisNormaliser(options: Record<string, unknown> = sevastopolOptions): MantisNormaliser {
  return { instance: "sev", baseUrl: MANTIS, options: MantisOptions.parse(options) };
}
