/** Where a command writes, and the status it asks for when it ends normally (1 = findings). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  exitCode?: number;
  /** A person watches stderr: progress lines are worth drawing. */
  interactive?: boolean;
}

export function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    interactive: Boolean(process.stderr.isTTY),
  };
}
