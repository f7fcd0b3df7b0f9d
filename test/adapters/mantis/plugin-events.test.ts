import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePluginEvent, verifyPluginSignature } from "../../../adapters/mantis/plugin-events.js";
import { packageRoot } from "../../../src/paths.js";
import { findOnPath } from "../../../src/redis/local-server.js";

const SECRET = "plugin-secret";
const body = JSON.stringify({
  issue_id: 3,
  project_id: 1,
  event: "note",
  actor: "line1",
  time: "2026-11-24T08:00:00+03:00",
});
const sign = (raw: string, secret = SECRET) =>
  `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;
const delivery = (raw: string, signature?: string) => ({
  headers: signature ? { "x-reglament-signature": signature } : {},
  rawBody: Buffer.from(raw),
});

describe("ReglamentWebhook plugin deliveries", () => {
  it("accepts a body signed with the shared secret and reads it as a hint naming the issue", () => {
    const req = delivery(body, sign(body));
    expect(() => verifyPluginSignature("sev", SECRET, req)).not.toThrow();
    expect(parsePluginEvent("sev", req)).toEqual({
      handled: true,
      events: [
        {
          deliveryId: "mantis-3-note-2026-11-24T08:00:00+03:00",
          ref: { tracker: "mantis", instance: "sev", project: "1", id: "3" },
        },
      ],
    });
  });

  it("refuses a missing or wrong signature, or a body changed after signing, with 401", () => {
    for (const req of [
      delivery(body),
      delivery(body, sign(body, "other-secret")),
      delivery(body.replace('"issue_id":3', '"issue_id":4'), sign(body)),
    ]) {
      expect(() => verifyPluginSignature("sev", SECRET, req)).toThrow(
        expect.objectContaining({ httpStatus: 401, code: "REG_WEBHOOK_UNAUTHORIZED" }),
      );
    }
  });

  it("refuses a body that is not the plugin's event with 400 naming the field", () => {
    const bad = JSON.stringify({ issue_id: 3, event: "note", actor: "line1", time: "x" });
    expect(() => parsePluginEvent("sev", delivery(bad))).toThrow(/project_id: is required/);
    expect(() => parsePluginEvent("sev", delivery("{"))).toThrow(/not JSON/);
  });

  it.skipIf(!findOnPath("php"))("verifies what the PHP plugin itself signs", () => {
    const plugin = join(packageRoot, "adapters/mantis/plugin/ReglamentWebhook/ReglamentWebhook.php");
    const php = spawnSync(
      "php",
      [
        "-r",
        `class MantisPlugin {} require ${JSON.stringify(plugin)};
         [$b, $s] = ReglamentWebhookPlugin::signed_body(3, 1, "note", "line1", "2026-11-24T08:00:00+03:00", "${SECRET}");
         echo $b, "\\n", $s;`,
      ],
      { encoding: "utf8" },
    );
    const [raw, signature] = php.stdout.split("\n");
    const req = delivery(raw!, signature);
    expect(() => verifyPluginSignature("sev", SECRET, req)).not.toThrow();
    expect(parsePluginEvent("sev", req).handled).toBe(true);
  });
});
