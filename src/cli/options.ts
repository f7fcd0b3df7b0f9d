import { InvalidArgumentError } from "commander";
import { type Dimension, dimensions } from "../reports/sla-report.js";
import { withoutTrailingSlashes } from "../text/base-url.js";

/**
 * Parsers of the CLI's option values, run by commander before any command's code is
 * loaded: a value that cannot be right is refused at once, naming what was expected.
 */

export function positiveInteger(max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`expected a whole number from 1 to ${max}`);
    return n;
  };
}

/** A TCP port to listen on; 0 lets the system choose. */
export function parsePort(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > 65535)
    throw new InvalidArgumentError("expected a port from 0 to 65535 (0: any free one)");
  return n;
}

export interface TicketOption {
  instance: string;
  id: string;
}

/** `<instance>/<id>`: the id may itself hold slashes (GitLab's `group/project#iid`). */
export function ticketOption(text: string): TicketOption {
  const slash = text.indexOf("/");
  const instance = text.slice(0, slash);
  const id = text.slice(slash + 1);
  if (slash <= 0 || !id.trim() || !/^[a-z0-9][a-z0-9_-]*$/i.test(instance))
    throw new InvalidArgumentError(
      "expected <instance>/<ticket id>, e.g. sevastopol-mantis/1024 or erecipe-gitlab/FHIR-BY/ehr.platform.support#17",
    );
  return { instance, id };
}

const isoMoment =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** An ISO 8601 moment; an offset is optional (the command reads it in the pack's zone then). */
export function momentOption(text: string): string {
  if (!isoMoment.test(text.trim()))
    throw new InvalidArgumentError(
      "expected an ISO 8601 moment such as 2026-02-20T15:00:00+03:00 (without the offset it is read in the pack's time zone)",
    );
  return text.trim();
}

/** True when an ISO 8601 moment names its offset; otherwise it is read in the pack's zone. */
export function hasOffset(moment: string): boolean {
  return /(?:Z|[+-]\d{2}(?::?\d{2})?)$/.test(moment) && /T|\s/.test(moment);
}

/** `type,priority,line`: the report's grouping, each named once. */
export function dimensionList(text: string): Dimension[] {
  const parts = text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const bad = parts.filter((p) => !(dimensions as readonly string[]).includes(p));
  if (bad.length || new Set(parts).size !== parts.length)
    throw new InvalidArgumentError(`expected a comma-separated list of ${dimensions.join(", ")}, each once`);
  return parts as Dimension[];
}

/** An http(s) address such as a running bridge's (a proxy's path prefix kept), without a trailing slash. */
export function httpUrlOption(text: string): string {
  const url = URL.canParse(text.trim()) ? new URL(text.trim()) : undefined;
  if (url?.protocol !== "http:" && url?.protocol !== "https:")
    throw new InvalidArgumentError("expected an http(s) address such as http://127.0.0.1:8080");
  return `${url.origin}${withoutTrailingSlashes(url.pathname)}`;
}

/** `30d` (days back from now) or an ISO 8601 date or moment. */
export function sinceOption(text: string): string {
  if (/^\d+d$/.test(text.trim())) return text.trim();
  if (isoMoment.test(text.trim())) return text.trim();
  throw new InvalidArgumentError(
    "expected days back from now such as 30d, or an ISO 8601 date or moment such as 2026-02-20 or 2026-02-20T15:00:00+03:00 (without the offset it is read in the pack's time zone)",
  );
}
