import type { Attachment } from "../../src/domain/ticket.js";
import { capped, matchCaps } from "../../src/text/bounds.js";
import { linear } from "../../src/text/linear.js";

/**
 * GitLab keeps an issue's files as uploads its Markdown links to — `[name.pdf](/uploads/<hash>/name.pdf)`,
 * `![shot](/uploads/<hash>/shot.png)` — so their names are read from the description and the notes.
 * Anyone can write a description, so the pattern runs on RE2: a link-shaped text with a
 * long tail that never closes costs time in proportion to its length, not its square.
 */
export const upload = linear(/\]\((?:[^)\s]*?)\/uploads\/[0-9a-f]{16,64}\/([^)\s?#]+)[^)]*\)/gi);

// Most descriptions link no file: a plain search says so for less than the full pattern costs.
export const mentionsUploads = linear(/\/uploads\//i);

export function uploadsIn(markdown: string | null | undefined, commentId?: string): Attachment[] {
  if (!markdown) return [];
  const text = capped(markdown, commentId === undefined ? matchCaps.description : matchCaps.comment);
  if (!mentionsUploads.test(text)) return [];
  return [...text.matchAll(upload)].map((m) => {
    let name = m[1]!;
    try {
      name = decodeURIComponent(name);
    } catch {
      // A name that is not valid percent-encoding is kept as written.
    }
    return { name, ...(commentId !== undefined ? { commentId } : {}) };
  });
}
