import type { Attachment } from "../../src/domain/ticket.js";

/**
 * GitLab keeps an issue's files as uploads its Markdown links to — `[name.pdf](/uploads/<hash>/name.pdf)`,
 * `![shot](/uploads/<hash>/shot.png)` — so their names are read from the description and the notes.
 */
const upload = /\]\((?:[^)\s]*?)\/uploads\/[0-9a-f]{16,64}\/([^)\s?#]+)[^)]*\)/gi;

// Most descriptions link no file: a plain search says so for less than the full pattern costs.
const mentionsUploads = /\/uploads\//i;

export function uploadsIn(markdown: string | null | undefined, commentId?: string): Attachment[] {
  if (!markdown || !mentionsUploads.test(markdown)) return [];
  return [...markdown.matchAll(upload)].map((m) => {
    let name = m[1]!;
    try {
      name = decodeURIComponent(name);
    } catch {
      // A name that is not valid percent-encoding is kept as written.
    }
    return { name, ...(commentId !== undefined ? { commentId } : {}) };
  });
}
