import { type Logger, pino } from "pino";

export const silentLogger = pino({ level: "silent" });

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A logger whose lines are kept, parsed, for a test to read. */
export function capturingLogger(level = "info"): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  return { logger: pino({ level }, { write: (l: string) => void lines.push(JSON.parse(l)) }), lines };
}
