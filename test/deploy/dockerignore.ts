/**
 * A .dockerignore read as Docker reads it (moby's patternmatcher, which BuildKit uses too):
 * each line a pattern on the path from the context's root, `*` and `?` within one path
 * segment, `**` across any number, `!` letting back in what an earlier line left out; the
 * last line that matches a path or one of its parent folders decides.
 */
export function dockerignore(text: string): (path: string) => boolean {
  const patterns = text
    .replace(/^\uFEFF/, "")
    .split("\n")
    .filter((line) => !line.startsWith("#"))
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => {
      const exclusion = line.startsWith("!");
      const path = clean(exclusion ? line.slice(1).trim() : line);
      return { exclusion, regex: compile(path) };
    });
  return (file) => {
    const parents = clean(file).split("/").slice(0, -1);
    let excluded = false;
    for (const { exclusion, regex } of patterns) {
      if (exclusion !== excluded) continue;
      const match = regex.test(file) || parents.some((_, i) => regex.test(parents.slice(0, i + 1).join("/")));
      if (match) excluded = !exclusion;
    }
    return excluded;
  };
}

/** Go's filepath.Clean, as Docker applies it to each pattern, less the leading "/". */
function clean(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length && parts.at(-1) !== "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/") || ".";
}

function compile(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "*" && pattern[i + 1] === "*") {
      i++;
      if (pattern[i + 1] === "/") i++;
      source += i + 1 === pattern.length ? ".*" : "(.*/)?";
    } else if (ch === "*") source += "[^/]*";
    else if (ch === "?") source += "[^/]";
    else if (ch === "\\") source += `\\${pattern[++i] ?? "\\"}`;
    else if (".+()|{}$^".includes(ch)) source += `\\${ch}`;
    else source += ch;
  }
  return new RegExp(`^${source}$`);
}
