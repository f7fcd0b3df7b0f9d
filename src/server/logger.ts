import { type Logger, type LoggerOptions, pino } from "pino";
import pretty from "pino-pretty";
import type { LogFormat } from "./log-formats.js";

/**
 * Paths pino blanks out in every log line: credentials of trackers and alert endpoints,
 * and the headers trackers authenticate with. A token in a log is a leaked token.
 */
export const redactPaths = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-gitlab-token"]',
  'req.headers["x-reglament-signature"]',
  'req.headers["x-reglament-secret"]',
  "headers.authorization",
  "*.token",
  "*.secret",
  "*.webhookSecret",
  "*.password",
  "*.*.token",
  "*.*.secret",
  "*.*.webhookSecret",
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: "[redacted]" },
    base: { service: "reglament" },
  };
}

/**
 * The bridge's logger: JSON lines for machines (the default when stdout is not a
 * terminal), or readable lines for a person at a terminal — local time, level names,
 * the message first and its fields after (pino-pretty, in-process, so a crash loses no line).
 */
export function createLogger(
  level: string,
  format: LogFormat = process.stdout.isTTY ? "pretty" : "json",
): Logger {
  if (format === "json") return pino(loggerOptions(level));
  return pino(
    loggerOptions(level),
    pretty({
      colorize: process.stdout.isTTY,
      translateTime: "SYS:yyyy-mm-dd HH:MM:ss.l",
      ignore: "pid,hostname,service",
      singleLine: false,
      sync: true,
    }),
  );
}
