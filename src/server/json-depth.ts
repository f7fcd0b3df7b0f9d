/**
 * How deep a JSON document nests, read from its bytes without parsing it, stopping as
 * soon as the limit is passed: a body nested thousands deep is refused before any parser
 * (the adapter's, zod's) recurses through it.
 */
export function jsonDepthExceeds(body: Buffer, limit: number): boolean {
  // A body with no more brackets than the limit cannot nest deeper: counted natively, that
  // settles every real payload without reading it byte by byte here.
  let openers = 0;
  for (const opener of [0x7b, 0x5b]) {
    for (let i = body.indexOf(opener); i !== -1; i = body.indexOf(opener, i + 1)) {
      if (++openers > limit) return nestsDeeper(body, limit);
    }
  }
  return false;
}

function nestsDeeper(body: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Deeper than any tracker's payload; GitLab's deepest is under 10. */
export const maxJsonDepth = 64;
