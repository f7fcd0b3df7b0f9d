import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";

/**
 * Node's fetch (the GitLab client's, the alert endpoints') refuses the fetch standard's
 * "bad ports" with a bare "fetch failed: bad port": `config check` refuses them first.
 */
const dir = mkdtempSync(join(tmpdir(), "reglament-bad-ports-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(baseUrl: string, alertUrl: string): string {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    [
      "trackers:",
      `  gl: { kind: gitlab, baseUrl: "${baseUrl}", token: t, bridgeUser: r, projects: { g/s: { pack: e-recipe-by } } }`,
      "alerts:",
      `  endpoints: [{ name: duty, url: "${alertUrl}", secret: "0123456789", events: [sla.breached] }]`,
      "",
    ].join("\n"),
  );
  return file;
}

describe("config check: a port fetch refuses", () => {
  it("is refused for a tracker and an alert endpoint, naming the port and the field", async () => {
    const r = await cli("config", "check", config("http://127.0.0.1:9", "https://alerts.example:6000/hook"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /trackers\.gl\.baseUrl.*port 9 is one browsers and Node's fetch refuse \(a "bad port" of the fetch standard\); use another/,
    );
    expect(r.err).toMatch(/alerts\.endpoints\[0\]\.url: port 6000 is one browsers and Node's fetch refuse/);
  });

  it("is what Node's fetch does refuse, while the ports allowed pass", async () => {
    const server = createServer((_, res) => res.end("ok"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    try {
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
      await expect(fetch("http://127.0.0.1:9/")).rejects.toMatchObject({ cause: { message: "bad port" } });
    } finally {
      server.close();
    }
    const ok = await cli(
      "config",
      "check",
      config("https://gitlab.example:8443", "http://127.0.0.1:8080/hook"),
    );
    expect(ok.err).toBe("");
    expect(ok.code).toBe(0);
  });
});
