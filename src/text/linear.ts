import RE2 from "re2";

/**
 * Patterns that read text a tracker user wrote run on RE2 (Google's linear-time engine):
 * no input can make them backtrack, so no description, title or comment can stall the
 * event loop. RE2 has no look-around and no back-references; a pattern that needs them
 * is written another way (match the neighbour and check it in code).
 */
export type LinearPattern = RE2;

// JavaScript's \s is Unicode white space — the no-break space editors put after short
// Russian words («срок до 10.03») included — while RE2's is ASCII only. Our patterns and
// the packs' are written with JavaScript's meaning, so RE2 is given it spelled out.
const space = "\\t\\n\\v\\f\\r\\p{Z}\\x{FEFF}";

function withJavaScriptSpaces(source: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      const next = source[++i] ?? "";
      if (next === "s") out += inClass ? space : `[${space}]`;
      else if (next === "S" && !inClass) out += `[^${space}]`;
      else if (next === "S")
        throw new SyntaxError("\\S inside […] has no RE2 form; list what the class allows instead");
      else out += c + next;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    out += c;
  }
  return out;
}

/** A linear-time pattern; throws at once (at module load) for syntax RE2 does not have. */
export function linear(source: string | RegExp, flags?: string): LinearPattern {
  const text = typeof source === "string" ? source : source.source;
  return new RE2(withJavaScriptSpaces(text), flags ?? (typeof source === "string" ? "" : source.flags));
}

/** True for a pattern built by `linear` (the security suite asserts that tracker text meets only these). */
export const isLinear = (pattern: unknown): pattern is LinearPattern => pattern instanceof RE2;

/**
 * Why a pattern someone configured (a pack's option) cannot run on RE2, saying what to
 * change; undefined when it can.
 */
export function linearProblem(source: string, flags?: string): string | undefined {
  try {
    linear(source, flags);
    return undefined;
  } catch (err) {
    let reason = (err as Error).message;
    try {
      // RE2's own words about the pattern as written, not as spelled out for it.
      new RE2(source, flags ?? "");
    } catch (raw) {
      reason = (raw as Error).message;
    }
    const hint = /perl operator|escape sequence/.test(reason)
      ? "it has no look-around ((?=…), (?!…), (?<=…), (?<!…)) and no back-references (\\1, \\k<name>): match the neighbouring text itself instead, e.g. (?:^|[^\\p{L}]) for «no letter before»"
      : "write it in the syntax RE2 accepts (https://github.com/google/re2/wiki/Syntax)";
    return `the pattern /${source}/ cannot run on RE2, the linear-time engine tracker text is matched with (${reason}); ${hint}`;
  }
}
