import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.js";
import { mantisIssue } from "../helpers/mantis.js";

/** Ctrl-C during a long audit (a real process, a slow tracker): it stops and prints the partial report. */
describe("reglament audit interrupted", () => {
  it("SIGINT stops after the ticket in hand and prints what was read, marked as interrupted", async () => {
    const ids = Array.from({ length: 30 }, (_, i) => i + 1);
    const issue = (id: number) => ({
      ...mantisIssue("01-create-issue-feature-immediate"),
      id,
      updated_at: "2026-11-24T07:59:04+03:00",
    });
    const tracker = createServer((req, res) => {
      const id = /\/issues\/(\d+)/.exec(req.url ?? "")?.[1];
      const body = id
        ? { issues: [issue(Number(id))] }
        : {
            issues: ids.map((i) => ({ id: i, project: { id: 1 }, updated_at: "2026-11-24T07:59:04+03:00" })),
          };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    await new Promise<void>((ok) => tracker.listen(0, "127.0.0.1", ok));
    const url = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}`;
    const config = join(tmpdir(), `reglament-audit-interrupt-${process.pid}.yaml`);
    writeFileSync(
      config,
      `history: { enabled: false }\ntrackers:\n  sev: { kind: mantis, baseUrl: "${url}", token: t, bridgeUser: reglament, projects: { "1": { pack: sevastopol-miac } }, options: { pageSize: 50 } }\npacks:\n  sevastopol-miac: { params: { headOfLine2: line2 } }\n`,
    );
    const child = spawn(
      process.execPath,
      [
        join(packageRoot, "bin/reglament.js"),
        "audit",
        "--instance",
        "sev",
        "--config",
        config,
        "--since",
        "2026-11-01T00:00:00+03:00",
        "--until",
        "2026-12-01T00:00:00+03:00",
        "--rate",
        "4",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((ok) => child.once("exit", (code) => ok(code)));
    await new Promise((r) => setTimeout(r, 3500));
    child.kill("SIGINT");
    const code = await exited;
    tracker.close();
    expect(out).toMatch(/— INTERRUPTED, the report covers what was read/);
    const read = Number(/(\d+) tickets read/.exec(out)?.[1]);
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(30);
    expect(err).toMatch(/interrupted: the report covers the tickets read until then/);
    expect(code).toBe(1);
  }, 60_000);
});
