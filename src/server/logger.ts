import type { LoggerOptions } from "pino";

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
