import type { YandexClient } from "./client.js";

/**
 * Paged search output stops at 10,000 results; past that the API wants scrolling
 * (search-issues.md, "Scrollable search results"): the first `POST /v2/issues/_search`
 * carries `scrollType=sorted` (the body's `order` is kept), `perScroll` (≤ 1000) and
 * `scrollTTLMillis`; every later one the `scrollId` (and `scrollToken`) from the
 * previous answer's `X-Scroll-Id` / `X-Scroll-Token` headers, which "if the requested
 * page is not the last one" are there. A walk left before its end releases what the
 * snapshot holds (`POST /v2/system/search/scroll/_clear` with every
 * `{"<scrollId>": "<scrollToken>"}` pair, search-release.md).
 */
export const PAGED_RESULT_LIMIT = 10_000;
const MAX_PER_SCROLL = 1000;
const SCROLL_TTL_MS = 60_000;
/** A scroll that never ends (an id the API keeps answering with) is cut here: 1,000,000 issues at 1000 a page. */
const MAX_SCROLLS = 1000;

function header(headers: unknown, name: string): string | undefined {
  const value = (headers as Record<string, unknown> | undefined)?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" && first ? first : undefined;
}

export async function* scrollSearch(
  client: Pick<YandexClient, "request">,
  what: string,
  body: unknown,
  perScroll: number,
): AsyncGenerator<unknown[]> {
  const held: Record<string, string> = {};
  let params: Record<string, unknown> = {
    scrollType: "sorted",
    perScroll: Math.min(MAX_PER_SCROLL, Math.max(1, perScroll)),
    scrollTTLMillis: SCROLL_TTL_MS,
  };
  let finished = false;
  try {
    for (let i = 0; i < MAX_SCROLLS; i++) {
      const res = await client.request<unknown>(what, {
        method: "POST",
        url: "/v2/issues/_search",
        params,
        data: body,
      });
      const batch = Array.isArray(res.data) ? (res.data as unknown[]) : [];
      const scrollId = header(res.headers, "x-scroll-id");
      const scrollToken = header(res.headers, "x-scroll-token");
      if (scrollId) held[scrollId] = scrollToken ?? "";
      if (!scrollId || batch.length === 0) finished = true;
      if (batch.length) yield batch;
      if (finished) return;
      params = {
        scrollId,
        scrollTTLMillis: SCROLL_TTL_MS,
        ...(scrollToken ? { scrollToken } : {}),
      };
    }
    throw new Error(`${what}: the search scroll did not end after ${MAX_SCROLLS} pages`);
  } finally {
    if (!finished && Object.keys(held).length) {
      await client
        .request("release the search scroll", {
          method: "POST",
          url: "/v2/system/search/scroll/_clear",
          data: held,
        })
        .catch(() => {});
    }
  }
}
