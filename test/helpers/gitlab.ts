import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createNormaliser, type Normaliser } from "../../adapters/gitlab/normalise.js";
import { GitlabOptions } from "../../adapters/gitlab/options.js";
import type { WebhookRequest } from "../../src/domain/adapter.js";

/** The e-Recipe label mapping the tests and the example configuration use. */
export const erecipeOptions = {
  labels: {
    priority: { "Priority: Low": "low", "Priority: Medium": "normal", "Priority: High": "high" },
    line: { L2: 2 },
  },
};

export const SUPPORT = "FHIR-BY/ehr.platform.support";
export const SUPPORT_API = "/api/v4/projects/FHIR-BY%2Fehr.platform.support";

export function gitlabNormaliser(options: Record<string, unknown> = erecipeOptions): Normaliser {
  return createNormaliser("erecipe", GitlabOptions.parse(options), [SUPPORT]);
}

/** The parts of a hook body the tests vary. */
export interface HookJson {
  user: unknown;
  project: { path_with_namespace: string };
  object_attributes: Record<string, unknown>;
  labels: unknown[];
  assignees: unknown[];
  changes: Record<string, unknown>;
  [key: string]: unknown;
}

/** A webhook fixture (a documented GitLab payload), parsed, for a test to vary. */
export function gitlabFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(import.meta.dirname, "../fixtures/gitlab", name), "utf8"));
}

export function gitlabDelivery(
  body: unknown,
  event: string,
  headers: Record<string, string> = {},
): WebhookRequest {
  return {
    headers: { "x-gitlab-event": event, "x-gitlab-token": "s3cret", ...headers },
    rawBody: Buffer.from(typeof body === "string" ? body : JSON.stringify(body)),
  };
}
