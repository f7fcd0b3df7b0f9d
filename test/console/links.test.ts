import { describe, expect, it } from "vitest";
import { auditReport, renderAudit } from "../../src/audit/report.js";
import type { BoardModel, BoardQuery } from "../../src/console/board.js";
import { translator } from "../../src/console/i18n.js";
import type { PageContext } from "../../src/console/layout.js";
import { boardPage } from "../../src/console/pages/board-page.js";
import { compliancePage } from "../../src/console/pages/compliance-page.js";
import { ticketPage } from "../../src/console/pages/ticket-page.js";
import { renderSlaReport, type SlaReportDocument } from "../../src/reports/format.js";
import type { BoardEntry } from "../../src/sla/board-index.js";

/** A tracker's payload gave the ticket's URL: only an http(s) one may become a link. */
const hostile = [
  "javascript:alert(document.cookie)",
  "JaVaScRiPt:alert(1)",
  "java\tscript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
];

const ctx: PageContext = {
  t: translator("en"),
  lang: "en",
  who: { name: "test", role: "viewer" },
  url: "/console",
  now: Date.parse("2026-03-10T10:00:00Z"),
  zone: "UTC",
};

const entry = (url: string): BoardEntry => ({
  key: "gl/g/p#1",
  instance: "gl",
  id: "g/p#1",
  url,
  pack: "sevastopol-miac",
  line: 1,
  status: "new",
  clocks: [],
  evaluatedAt: ctx.now,
});

function board(url: string): string {
  const e = entry(url);
  const clock = {
    id: "react",
    title: "reaction",
    time: "working" as const,
    state: "running" as const,
    elapsed: 0,
  };
  const model: BoardModel = {
    counts: [{ line: 1, total: 1, byState: { running: 1, paused: 0, at_risk: 0, breached: 0 } }],
    lines: [{ line: 1, total: 1, pages: 1, rows: [{ entry: e, clock, state: "running" }] }],
    choices: { instance: ["gl"], pack: [e.pack], priority: [] },
  };
  const query: BoardQuery = { order: "asc", page: 1, pageSize: 50 };
  return boardPage(ctx, model, query, () => ({ zone: "UTC" }), true);
}

const ticket = (url: string) =>
  ticketPage(
    ctx,
    {
      key: "gl/g/p#1",
      clocks: { reports: [], zone: "UTC", pack: "sevastopol-miac", url },
      log: [],
      retries: [],
      alerts: [],
      older: [],
    },
    false,
  );

const slaDoc = (url: string): SlaReportDocument => ({
  pack: "sevastopol-miac",
  from: "2026-03-01",
  to: "2026-04-01",
  zone: "UTC",
  generatedAt: "2026-04-01",
  rows: [
    {
      pack: "sevastopol-miac",
      clock: "resolve",
      clockKind: "resolution",
      title: "resolve",
      type: "bug",
      priority: "high",
      line: "all",
      tickets: 1,
      met: 0,
      breached: 1,
      open: 0,
      noTarget: 0,
      percentMet: 0,
      medianMinutes: 60,
      p90Minutes: 60,
      worst: [{ instance: "gl", ticket: "g/p#1", url, overrunMinutes: 60, open: false }],
    },
  ],
  trend: [],
});

const compliance = (url: string) =>
  compliancePage(ctx, {
    packs: ["sevastopol-miac"],
    pack: "sevastopol-miac",
    month: "2026-03",
    report: slaDoc(url),
  });

const audit = (url: string) =>
  renderAudit(
    auditReport(
      {
        instance: "gl",
        since: "2026-03-01T00:00:00Z",
        until: "2026-04-01T00:00:00Z",
        tickets: 1,
        packs: ["sevastopol-miac"],
        interrupted: false,
        clocks: [],
        errors: [{ ticket: "g/p#2", url, reason: "gone" }],
        findings: [
          { ticket: "g/p#1", url, rule: "r", outcome: "violation", message: "m", citation: "c", actions: [] },
        ],
      } as unknown as Parameters<typeof auditReport>[0],
      { zone: "UTC", now: ctx.now, iso: (t: number) => new Date(t).toISOString(), deadlines: false },
    ),
    "html",
  );

const renderers: [string, (url: string) => string][] = [
  ["the board", board],
  ["a ticket's page", ticket],
  ["the compliance page", compliance],
  ["the HTML SLA report", (url) => renderSlaReport(slaDoc(url), "html")],
  ["the audit's HTML report", audit],
];

describe("a ticket's link", () => {
  for (const [where, render] of renderers) {
    it(`${where}: an http(s) URL is a link; any other is never an href`, () => {
      expect(render("https://gitlab.example.by/g/p/-/issues/1")).toContain(
        'href="https://gitlab.example.by/g/p/-/issues/1"',
      );
      for (const url of hostile) {
        const page = render(url);
        expect(page, url).not.toMatch(/href="(?!\/|https?:)/i);
        expect(page.toLowerCase(), url).not.toContain("javascript:");
        expect(page, url).not.toContain("data:text/html");
      }
    });
  }
});

describe("the console's pages, under a Content-Security-Policy of script-src 'self' and style-src 'self'", () => {
  it("carry no inline script, event handler nor style attribute", () => {
    const pages = [
      board("https://x.example/1"),
      ticket("https://x.example/1"),
      compliance("https://x.example/1"),
    ];
    for (const page of pages) {
      expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/i);
      expect(page).not.toMatch(/\son[a-z]+\s*=/i);
      expect(page).not.toMatch(/\sstyle\s*=/i);
      expect(page).not.toMatch(/<style/i);
    }
  });
});
