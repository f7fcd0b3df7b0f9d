/**
 * The address a ticket's link may point to: an absolute http(s) URL, normalised as the
 * browser will read it, else undefined. A tracker's payload (or a configured base) can
 * carry `javascript:` or `data:` URLs, which would run in the console's origin when
 * clicked; the check is on the parsed scheme, so tabs, line breaks and leading blanks
 * (`java\tscript:`), which browsers drop, cannot slip one past it. A user and password
 * in the address (a baseUrl written `https://user:secret@host`) are left out: a link is
 * shown to everyone who reads the page.
 */
export function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  parsed.username = "";
  parsed.password = "";
  return parsed.href;
}
