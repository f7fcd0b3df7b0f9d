import RE2 from "re2";

/**
 * Patterns that read text a tracker user wrote run on RE2 (Google's linear-time engine):
 * no input can make them backtrack, so no description, title or comment can stall the
 * event loop. RE2 has no look-around and no back-references; a pattern that needs them
 * is written another way (match the neighbour and check it in code).
 */
export type LinearPattern = RE2;

/** A linear-time pattern; throws at once (at module load) for syntax RE2 does not have. */
export function linear(source: string | RegExp, flags?: string): LinearPattern {
  return flags === undefined ? new RE2(source) : new RE2(source instanceof RegExp ? source.source : source, flags);
}

/** True for a pattern built by `linear` (the security suite asserts that tracker text meets only these). */
export const isLinear = (pattern: unknown): pattern is LinearPattern => pattern instanceof RE2;
