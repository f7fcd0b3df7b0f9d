import { createHmac } from "node:crypto";

/**
 * Standard Webhooks signing (webhook-id, webhook-timestamp, webhook-signature): the
 * signature is `v1,` + base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>")). A secret
 * written as `whsec_<base64>` is the key in the scheme's own format; any other secret's
 * UTF-8 bytes are the key (a receiver's library then takes base64 of those bytes).
 */
export function secretKey(secret: string): Buffer {
  return secret.startsWith("whsec_")
    ? Buffer.from(secret.slice("whsec_".length), "base64")
    : Buffer.from(secret, "utf8");
}

export function sign(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac("sha256", secretKey(secret))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest("base64");
  return `v1,${mac}`;
}

export function signedHeaders(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  return {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": sign(secret, id, timestampSeconds, body),
  };
}
