import type { AxiosResponse } from "axios";
import type { Logger } from "pino";
import { TrackerRequestError } from "../../src/errors/tracker-error.js";
import { linear } from "../../src/text/linear.js";
import type { YandexClient } from "./client.js";
import type { YandexNormaliser } from "./normalise.js";
import { ChangelogItem, TrackerComment } from "./payloads.js";

/**
 * Lists the API pages relatively, oldest first: an issue's comments ("by default … only
 * the first page showing 50 comments", get-comments.md) and its changelog (`perPage`,
 * default 50, and `id` — "the change followed by the requested changes"; the answer's
 * `Link: <…?id=…&perPage=50>; rel="next"`, get-changelog.md). As the official client
 * does (`PaginatedList`), the `rel="next"` link is followed, its host dropped; an answer
 * without Link headers that still came back full is asked again after its last id, and a
 * page that brings nothing new ends the walk (a cursor the API ignored cannot loop).
 */
export const PER_PAGE = 50;

// Every `<url>; rel="next"` of a Link header (the API sends several Link headers, which
// Node joins with ", "). Read on RE2: the header is the tracker's, its length unbounded.
const nextRel = linear(/<([^<>]*)>\s*;[^,<]*\brel="?next"?/);

/** The path and query of a Link header's `rel="next"`, without the host (it names the API's public one). */
export function nextLink(header: unknown): string | undefined {
  const text = Array.isArray(header) ? header.join(", ") : typeof header === "string" ? header : "";
  const url = nextRel.exec(text)?.[1];
  if (!url) return undefined;
  try {
    const parsed = new URL(url, "http://relative.invalid");
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return undefined;
  }
}

export interface PagedRead<T> {
  /** What was read, oldest first: every item, or the newest `keep` when that many were kept. */
  items: T[];
  /** Items dropped from the oldest end to stay within `keep`. */
  dropped: number;
  /** False when `maxPages` ran out before the last page: the newest items were not reached. */
  complete: boolean;
}

export async function readPaged<T extends { id: string }>(
  client: Pick<YandexClient, "request">,
  what: string,
  url: string,
  parse: (data: unknown) => T[],
  limits: { maxPages: number; keep?: number; first?: Record<string, unknown> },
): Promise<PagedRead<T>> {
  const items: T[] = [];
  const seen = new Set<string>();
  let dropped = 0;
  // Pages of the API's default size (50, both references); the rest as it links them.
  let next: { url: string; params?: Record<string, unknown> } | undefined = {
    url,
    ...(limits.first ? { params: limits.first } : {}),
  };
  for (let page = 0; next; page++) {
    if (page === limits.maxPages) return { items, dropped, complete: false };
    const res: AxiosResponse<unknown> = await client.request<unknown>(what, { method: "GET", ...next });
    const batch = parse(res.data);
    const fresh = batch.filter((item) => !seen.has(item.id));
    for (const item of fresh) seen.add(item.id);
    items.push(...fresh);
    if (limits.keep !== undefined && items.length > limits.keep) {
      const excess = items.length - limits.keep;
      items.splice(0, excess);
      dropped += excess;
    }
    // An answer with Link headers says where the next page is, or that there is none; one
    // without them that came back full is asked again after its last id.
    const links = res.headers?.link;
    const link = nextLink(links);
    if (batch.length > 0 && fresh.length === 0) next = undefined;
    else if (link) next = { url: link };
    else if (!links && batch.length >= PER_PAGE)
      next = { url, params: { perPage: PER_PAGE, id: batch.at(-1)!.id } };
    else next = undefined;
  }
  return { items, dropped, complete: true };
}

const issuePath = (key: string) => `/v2/issues/${encodeURIComponent(key)}`;

/**
 * Every comment of an issue, oldest first. A reply looked for, or the marker of the
 * bridge's own comment, may be the newest, so an issue with more than
 * `options.maxComments` is refused by name rather than read in part.
 */
export async function readComments(
  client: Pick<YandexClient, "request">,
  n: YandexNormaliser,
  key: string,
): Promise<TrackerComment[]> {
  const what = `read the comments of ${key}`;
  const read = await readPaged(
    client,
    what,
    `${issuePath(key)}/comments`,
    (d) => TrackerComment.array().parse(d),
    {
      maxPages: Math.ceil(n.options.maxComments / PER_PAGE),
    },
  );
  if (!read.complete) {
    throw new TrackerRequestError({
      instance: n.instance,
      what,
      reason: `the issue has more than ${n.options.maxComments} comments, and the newest were not reached; raise trackers.${n.instance}.options.maxComments to read them all`,
      retryable: false,
    });
  }
  return read.items;
}

/** Changelog pages walked at most: 100,000 entries. Past that the newest were not reached, which is said. */
const MAX_CHANGELOG_PAGES = 2000;

/**
 * An issue's changelog, its newest entries always included. The API gives it oldest
 * first, with no documented way to start from the newest end (the official client names
 * a `sort` parameter, the reference does not), so it is walked to the end and only the
 * newest `options.maxChangelogEntries` are kept; the dropped oldest are logged.
 */
export async function readChangelog(
  client: Pick<YandexClient, "request">,
  n: YandexNormaliser,
  key: string,
  logger?: Pick<Logger, "warn">,
): Promise<ChangelogItem[]> {
  const what = `read the changelog of ${key}`;
  const read = await readPaged(
    client,
    what,
    `${issuePath(key)}/changelog`,
    (d) => ChangelogItem.array().parse(d),
    {
      maxPages: MAX_CHANGELOG_PAGES,
      keep: n.options.maxChangelogEntries,
      first: { perPage: PER_PAGE },
    },
  );
  if (!read.complete) {
    throw new TrackerRequestError({
      instance: n.instance,
      what,
      reason: `the changelog did not end after ${MAX_CHANGELOG_PAGES * PER_PAGE} entries, so its newest were not reached`,
      retryable: false,
    });
  }
  if (read.dropped) {
    logger?.warn(
      { instance: n.instance, ticket: key, dropped: read.dropped, kept: read.items.length },
      `the changelog of ${key} is longer than trackers.${n.instance}.options.maxChangelogEntries (${n.options.maxChangelogEntries}); its ${read.dropped} oldest entries are left out of the ticket's history`,
    );
  }
  return read.items;
}
