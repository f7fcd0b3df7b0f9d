export const auditFormats = ["text", "json", "csv", "html"] as const;
export type AuditFormat = (typeof auditFormats)[number];
