import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { Errors } from "../errors/catalogue.js";

export interface YamlSource {
  /** The parsed tree (plain JS values). */
  data: unknown;
  /** "file:line:col" of the node at a path, or of its nearest ancestor that exists. */
  locate(path: readonly PropertyKey[]): string;
  /** One sentence per YAML syntax error, with its position; empty when the file parsed. */
  syntaxProblems: string[];
}

/** Reads a YAML file keeping node positions, so every later problem can say where it is. */
export function readYamlSource(file: string, what: string): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      throw Errors.INPUT_UNREADABLE(what, `${file} does not exist`);
    throw Errors.INPUT_UNREADABLE(what, (err as Error).message);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const syntaxProblems = doc.errors.map(
    (e) =>
      `${position(e.pos[0])} YAML syntax: ${e.message.split("\n")[0]} (fix the indentation or quoting there)`,
  );
  const locate = (path: readonly PropertyKey[]) => {
    for (let depth = path.length; depth > 0; depth--) {
      const node = doc.getIn(path.slice(0, depth) as unknown[], true) as
        | { range?: [number, number, number] }
        | undefined;
      if (node?.range) return position(node.range[0]);
    }
    return file;
  };
  return { data: syntaxProblems.length ? undefined : (doc.toJS() ?? {}), locate, syntaxProblems };
}
