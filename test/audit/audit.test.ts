import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { strictNock } from "../helpers/bridge-http.js";
import { cli } from "../helpers/cli.js";
import { MANTIS, mantisIssue } from "../helpers/mantis.js";

/**
 * `reglament audit` on MantisBT's recorded shapes: the listing walked across pages to the
 * window's edge, each issue read once, a refused read listed under errors while the rest
 * goes on, a 429's Retry-After waited out — and no request but GET (strictNock fails the
 * test on any other).
 */
const config = join(tmpdir(), `reglament-audit-${process.pid}.yaml`);
writeFileSync(
  config,
  `history: { enabled: false }
trackers:
  sev:
    kind: mantis
    baseUrl: "${MANTIS}"
    token: MANTIS_TOKEN
    bridgeUser: reglament
    writesPerSecond: 50
    projects: { "1": { pack: sevastopol-miac } }
    options: { pageSize: 2 }
actors:
  sev:
    administrator: { role: line1, line: 1 }
    line2: { role: head_of_line2, line: 2 }
packs:
  sevastopol-miac: { params: { headOfLine2: line2 } }
`,
);

const at = (id: number, updated: string) => {
  const issue = mantisIssue(
    id === 4
      ? "04-create-issue-crash-high"
      : id === 2
        ? "02-create-issue-block-immediate"
        : "01-create-issue-feature-immediate",
  );
  return { ...issue, id, updated_at: updated };
};
const listed = (...issues: { id: number; updated_at: string }[]) => ({
  issues: issues.map((i) => ({ id: i.id, project: { id: 1 }, updated_at: i.updated_at })),
});
const window = [
  "--since",
  "2026-11-20T00:00:00+03:00",
  "--until",
  "2026-11-25T00:00:00+03:00",
  "--now",
  "2026-11-26T12:00:00+03:00",
];

strictNock();

describe("reglament audit on MantisBT", () => {
  it("lists across pages to the window's edge, reads each issue, lists what it could not read, writes nothing", async () => {
    const i1 = at(1, "2026-11-24T07:59:04+03:00");
    const i2 = at(2, "2026-11-24T08:30:00+03:00");
    const i4 = at(4, "2026-11-23T10:00:00+03:00");
    const late = at(9, "2026-11-25T10:00:00+03:00");
    const old = at(8, "2026-11-19T10:00:00+03:00");
    nock(MANTIS, { reqheaders: { authorization: "MANTIS_TOKEN" } })
      .get("/api/rest/issues")
      .query((q) => q.page === "1" && q.project_id === "1")
      .reply(200, listed(late, i2))
      .get("/api/rest/issues")
      .query((q) => q.page === "2")
      .reply(200, listed(i1, i4))
      .get("/api/rest/issues")
      .query((q) => q.page === "3")
      .reply(200, listed(at(5, "2026-11-22T10:00:00+03:00"), old))
      .get("/api/rest/issues/2")
      .reply(200, { issues: [i2] })
      .get("/api/rest/issues/1")
      .reply(429, { message: "slow down" }, { "retry-after": "1" })
      .get("/api/rest/issues/1")
      .reply(200, { issues: [i1] })
      .get("/api/rest/issues/4")
      .reply(200, { issues: [i4] })
      .get("/api/rest/issues/5")
      .reply(403, { message: "Access denied" });
    const started = Date.now();
    const r = await cli("audit", "--instance", "sev", "--config", config, ...window, "--format", "json");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.tickets).toBe(3);
    expect(report.errors).toEqual([
      { ticket: "5", url: null, reason: expect.stringMatching(/HTTP 403.*Access denied/) },
    ]);
    const matrix = report.findings.filter((f: { rule: string }) => f.rule === "impact-priority-matrix");
    // Feature/immediate must be "none", crash/high "urgent"; block/immediate is right.
    expect(matrix).toEqual([
      expect.objectContaining({
        ticket: "1",
        url: "https://mantis.test/view.php?id=1",
        outcome: "violation",
        message: expect.stringMatching(/Приоритет «Неотложный» не соответствует влиянию «Нововведение»/),
        actions: expect.arrayContaining([{ type: "setField", field: "priority", value: "none" }]),
      }),
      expect.objectContaining({
        ticket: "4",
        actions: expect.arrayContaining([{ type: "setField", field: "priority", value: "urgent" }]),
      }),
    ]);
    for (const key of ["tickets", "findings", "sla", "errors"]) expect(report).toHaveProperty(key);
    expect(Object.keys(report.findings[0]).sort()).toEqual([
      "actions",
      "message",
      "outcome",
      "project",
      "rule",
      "ticket",
      "url",
    ]);
  });

  it("text for a person, CSV of the findings, one HTML page", async () => {
    const i1 = at(1, "2026-11-24T07:59:04+03:00");
    const serve = () =>
      nock(MANTIS)
        .get("/api/rest/issues")
        .query(true)
        .reply(200, listed(i1))
        .get("/api/rest/issues/1")
        .reply(200, { issues: [i1] });
    serve();
    const text = await cli("audit", "--instance", "sev", "--config", config, ...window);
    expect(text.out).toMatch(
      /^Audit of sev \(sevastopol-miac\): tickets updated 2026-11-20T00:00:00\+03:00 … 2026-11-25T00:00:00\+03:00/,
    );
    expect(text.out).toMatch(/1 tickets read, \d+ findings, 0 could not be read; nothing was written\./);
    expect(text.out).toMatch(/violation impact-priority-matrix: 1/);
    expect(text.out).toMatch(/SLA: the regulation sets no deadlines/);
    serve();
    const csvOut = await cli("audit", "--instance", "sev", "--config", config, ...window, "--format", "csv");
    expect(csvOut.out.startsWith("\uFEFFticket,url,rule,outcome,message,actions\r\n")).toBe(true);
    expect(csvOut.out).toMatch(/1,https:\/\/mantis\.test\/view\.php\?id=1,impact-priority-matrix,violation,/);
    serve();
    const html = await cli("audit", "--instance", "sev", "--config", config, ...window, "--format", "html");
    expect(html.out).toMatch(/^<!doctype html>/);
    expect(html.out).toMatch(/<table id="per-rule">/);
  });

  it("--compare-with prints only what an edited pack would decide differently", async () => {
    const i1 = at(1, "2026-11-24T07:59:04+03:00");
    nock(MANTIS)
      .get("/api/rest/issues")
      .query(true)
      .reply(200, listed(i1))
      .get("/api/rest/issues/1")
      .reply(200, { issues: [i1] });
    const { readFileSync, mkdtempSync } = await import("node:fs");
    const dir = mkdtempSync(join(tmpdir(), "reglament-edited-pack-"));
    const original = readFileSync(
      join(import.meta.dirname, "../../policies/packs/sevastopol-miac.yaml"),
      "utf8",
    );
    // The regulation owner lets a feature carry a low priority too.
    writeFileSync(
      join(dir, "sevastopol-miac.yaml"),
      original.replace("feature: [none]", "feature: [none, low, normal, high, urgent, immediate]"),
    );
    const r = await cli(
      "audit",
      "--instance",
      "sev",
      "--config",
      config,
      ...window,
      "--compare-with",
      join(dir, "sevastopol-miac.yaml"),
    );
    expect(r.out).toMatch(/1 tickets read; 1 findings differ between the deployed pack and /);
    expect(r.out).toMatch(
      /gone\s+1 \[impact-priority-matrix\] Приоритет «Неотложный» не соответствует влиянию «Нововведение»/,
    );
  });

  it("names a bad window, instance or project", async () => {
    expect((await cli("audit", "--instance", "nope", "--config", config, "--since", "30d")).err).toMatch(
      /REG_UNKNOWN_INSTANCE|unknown tracker instance "nope"/,
    );
    expect((await cli("audit", "--instance", "sev", "--config", config, "--since", "yesterday")).err).toMatch(
      /--since <when>' argument 'yesterday' is invalid/,
    );
    expect(
      (await cli("audit", "--instance", "sev", "--config", config, "--since", "30d", "--project", "7")).err,
    ).toMatch(/--project 7 is not configured under trackers\.sev\.projects \(1\)/);
  });
});

describe("reglament simulate", () => {
  it("one live issue: its decisions, and the exact requests enforce would send — none of them sent", async () => {
    const i1 = at(1, "2026-11-24T07:59:04+03:00");
    nock(MANTIS, { reqheaders: { authorization: "MANTIS_TOKEN" } })
      .persist()
      .get("/api/rest/issues/1")
      .query(true)
      .reply(200, { issues: [i1] }, { etag: "etag-1" });
    const r = await cli("simulate", `${MANTIS}/view.php?id=1`, "--config", config);
    expect(r.err).toBe("");
    // In the pack's language, as check speaks it.
    expect(r.out).toMatch(
      /^https:\/\/mantis\.test\/view\.php\?id=1 — sevastopol-miac \(dry-run\); решено так, будто последнее изменение \(created, автор /,
    );
    expect(r.out).toMatch(
      /✗ нарушение \[impact-priority-matrix\] Приоритет «Неотложный» не соответствует влиянию «Нововведение»/,
    );
    expect(r.out).toMatch(/\n {4}→ установить приоритет = "none"\n/);
    expect(r.out).toMatch(
      /что отправил бы режим enforce \(запросов: \d+\):\n {2}PATCH https:\/\/mantis\.test\/api\/rest\/issues\/1\n {6}\{"priority":\{"id":10\}/,
    );
    for (const english of ["judged as if", "violation", "citation:", "→ set", "what enforce mode"])
      expect(r.out).not.toContain(english);
    expect(r.out).toMatch(/POST https:\/\/mantis\.test\/api\/rest\/issues\/1\/notes/);
    const byId = await cli("simulate", "sev/1", "--config", config, "--format", "json");
    const json = JSON.parse(byId.out) as { requests: { method: string; url: string }[] };
    expect(json.requests.map((q) => q.method)).toEqual(expect.arrayContaining(["PATCH", "POST"]));
    expect((await cli("simulate", "https://elsewhere.test/view.php?id=1", "--config", config)).err).toMatch(
      /is neither a link to a configured tracker's ticket nor <instance>\/<id> of one of sev/,
    );
  });
});
