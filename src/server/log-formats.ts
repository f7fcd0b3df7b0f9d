/** How the bridge writes its log lines (without pino, for the CLI's choices). */
export const logFormats = ["pretty", "json"] as const;
export type LogFormat = (typeof logFormats)[number];
