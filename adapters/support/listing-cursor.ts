/**
 * The reconciliation cursor adapters store as text: per project or queue, a watermark
 * (the newest update already listed) and, for listings sorted oldest first, the page
 * within that watermark. A cursor that cannot be read starts over from the backfill
 * window rather than failing the listing.
 */
export interface Watermark {
  since: string;
  page: number;
}

export function readCursor<T>(text: string | undefined): Record<string, T> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" ? (value as Record<string, T>) : {};
  } catch {
    return {};
  }
}

/**
 * Where an oldest-first listing "updated at or after `since`" goes next. Trackers list
 * the watermark's own moment again (their filters are inclusive), which is harmless; a
 * full page that never got past the watermark moves on by page number instead of
 * listing the same page for ever.
 */
export function nextWatermark(at: Watermark, newest: string, pageWasFull: boolean): Watermark {
  return pageWasFull && Date.parse(newest) === Date.parse(at.since)
    ? { since: at.since, page: at.page + 1 }
    : { since: newest, page: 1 };
}
