/**
 * A base URL without its trailing slashes, so paths can be appended with one. A loop, not
 * /\/+$/: that pattern retries from every slash of a long run of them.
 */
export function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 0x2f) end--;
  return url.slice(0, end);
}
