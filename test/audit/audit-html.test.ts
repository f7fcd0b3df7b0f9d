import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { auditReport, renderAudit } from "../../src/audit/report.js";
import type { AuditResult } from "../../src/audit/run.js";
import { packageRoot } from "../../src/paths.js";

/** The audit's HTML report as a supervisor opens it: in Chromium, the per-rule table shown (a screenshot is kept). */
const browser = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const result: AuditResult = {
  instance: "sevastopol-mantis",
  packs: ["sevastopol-miac"],
  since: "2026-11-01T00:00:00+03:00",
  until: "2026-12-01T00:00:00+03:00",
  tickets: 3,
  interrupted: false,
  clocks: [],
  errors: [{ ticket: "5", url: "https://mantis.example.ru/view.php?id=5", reason: "HTTP 403 Access denied" }],
  findings: [
    {
      ticket: "1",
      url: "https://mantis.example.ru/view.php?id=1",
      project: "1",
      rule: "impact-priority-matrix",
      outcome: "violation",
      message:
        "Приоритет «Неотложный» не соответствует влиянию «Нововведение»; приоритет исправлен на «Нет».",
      actions: [{ type: "setField", field: "priority", value: "none" }],
    },
    {
      ticket: "2",
      url: "https://mantis.example.ru/view.php?id=2",
      project: "1",
      rule: "assignee-on-status",
      outcome: "violation",
      message:
        "В статусе «Новая» ответственным должен быть начальник ОСИС; ответственный изменён на @petrova.",
      actions: [{ type: "assign", to: "petrova" }],
    },
  ],
};

describe("the audit's HTML report", () => {
  it.skipIf(!existsSync(browser))(
    "opens in Chromium and shows the per-rule table",
    async () => {
      const html = renderAudit(
        auditReport(result, {
          now: Date.parse("2026-12-01T09:00:00Z"),
          zone: "Europe/Simferopol",
          iso: (t) => new Date(t).toISOString(),
          deadlines: false,
        }),
        "html",
      );
      const dir = join(packageRoot, "test-results");
      mkdirSync(dir, { recursive: true });
      const file = join(dir, "audit-report.html");
      writeFileSync(file, html);
      const b = await chromium.launch({ executablePath: browser, args: ["--no-sandbox"] });
      try {
        const page = await b.newPage({ viewport: { width: 1100, height: 700 } });
        await page.goto(`file://${file}`);
        const rows = page.locator("#per-rule tbody tr");
        expect(await rows.count()).toBe(2);
        expect(await rows.first().textContent()).toMatch(/assignee-on-status|impact-priority-matrix/);
        expect(await page.locator("h1").textContent()).toMatch(/Аудит \/ Audit — sevastopol-mantis/);
        await page.screenshot({ path: join(dir, "audit-report.png"), fullPage: true });
        expect(existsSync(join(dir, "audit-report.png"))).toBe(true);
      } finally {
        await b.close();
      }
    },
    60_000,
  );
});
