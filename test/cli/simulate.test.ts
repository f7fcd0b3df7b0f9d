import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";

/**
 * `reglament simulate` with a reference that names no configured instance, or a ticket id
 * the tracker could not have: the person's usage error, said before any request leaves.
 */
const dir = mkdtempSync(join(tmpdir(), "reglament-simulate-"));
const file = join(dir, "reglament.yaml");
const requests: string[] = [];
const tracker = createServer((req, res) => {
  requests.push(`${req.method} ${req.url}`);
  res.writeHead(404).end();
});

beforeAll(async () => {
  await new Promise<void>((r) => tracker.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(tracker.address() as { port: number }).port}`;
  writeFileSync(
    file,
    [
      "trackers:",
      `  gl: { kind: gitlab, baseUrl: "${base}", token: t, bridgeUser: r, projects: { g/s: { pack: e-recipe-by } } }`,
      `  sev: { kind: mantis, baseUrl: "${base}/mantis", token: t, bridgeUser: r, projects: { "1": { pack: sevastopol-miac } } }`,
      "",
    ].join("\n"),
  );
});
afterAll(() => {
  tracker.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("simulate: a reference that cannot be a configured tracker's ticket", () => {
  it.each([
    [
      "my-gitlab/23",
      '"my-gitlab/23" is neither a link to a configured tracker\'s ticket nor <instance>/<id> of one of gl, sev',
    ],
    [
      "https://gitlab.other/g/s/-/issues/3",
      '"https://gitlab.other/g/s/-/issues/3" is neither a link to a configured tracker\'s ticket nor <instance>/<id> of one of gl, sev',
    ],
    [
      "gl/23",
      '"23" is not a ticket id of gl (gitlab); write it as gl/group/project#17, or paste the ticket\'s link',
    ],
    ["gl/g/s#0", '"g/s#0" is not a ticket id of gl (gitlab); write it as gl/group/project#17'],
    ["sev/abc", '"abc" is not a ticket id of sev (mantis); write it as sev/1024'],
  ])("%s: a usage error naming what would be right; no request sent", async (target, said) => {
    const r = await cli("simulate", target, "--config", file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`REG_USAGE: ${said}`);
    expect(requests).toEqual([]);
  });

  it("a well-formed reference is asked of the tracker (whose refusal is then the tracker's)", async () => {
    const r = await cli("simulate", "gl/g/s#23", "--config", file);
    expect(r.err).not.toMatch(/REG_USAGE/);
    expect(requests.length).toBeGreaterThan(0);
  });
});
