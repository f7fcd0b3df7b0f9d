/**
 * How deep a JSON document nests, read from its bytes without parsing it, stopping as
 * soon as the limit is passed: a body nested thousands deep is refused before any parser
 * (the adapter's, zod's) recurses through it.
 */
export function jsonDepthExceeds(body: Buffer, limit: number): boolean {
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
