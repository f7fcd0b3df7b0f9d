import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { until } from "../helpers/bridge-http.js";
import {
  type ConsoleBridge,
  consoleTestEnvironment,
  krasnoyarskIssue,
  operatorToken,
  startConsoleBridge,
  viewerToken,
} from "../helpers/console-bridge.js";
import { testDatabase } from "../helpers/postgres.js";
import { testRedisUrl } from "../helpers/redis.js";

/**
 * The console in a real browser: Debian's Chromium driven by Playwright against a bridge
 * on 127.0.0.1 with the fake tracker and a clock the test moves. Screenshots go to
 * test-results/console/ (and, with UPDATE_SCREENSHOTS=1, to docs/console/ for the README).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(
    `console browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`,
  );

const redisUrl = testRedisUrl(2);
const shots = join(process.cwd(), "test-results", "console");
let n = 0;
let c: ConsoleBridge | undefined;
let context: BrowserContext | undefined;
let profile: string | undefined;
let database: Awaited<ReturnType<typeof testDatabase>> | undefined;

async function browser(): Promise<BrowserContext> {
  profile = mkdtempSync(join(tmpdir(), "reglament-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
    viewport: { width: 1400, height: 860 },
    locale: "ru-RU",
  });
  // The console's Content-Security-Policy must not block anything of its own pages.
  context.on("page", (page) =>
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) blocked.push(`${page.url()}: ${m.text()}`);
    }),
  );
  return context;
}
const blocked: string[] = [];

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(shots, { recursive: true });
  const file = join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (process.env.UPDATE_SCREENSHOTS === "1") {
    mkdirSync(join(process.cwd(), "docs", "console"), { recursive: true });
    copyFileSync(file, join(process.cwd(), "docs", "console", `${name}.png`));
  }
}

async function signIn(page: Page, token: string, path = "/console"): Promise<void> {
  await page.goto(`${c!.bridge.address}${path}`);
  await page.fill('input[name="token"]', token);
  await page.click('button[type="submit"]');
  await page.waitForURL((u) => !u.pathname.startsWith("/console/login"));
}

consoleTestEnvironment(async () => {
  expect(blocked).toEqual([]);
  await context?.close();
  context = undefined;
  if (profile) rmSync(profile, { recursive: true, force: true });
  await c?.stop();
  c = undefined;
  await database?.drop();
  database = undefined;
});

describe.skipIf(!haveChromium)("the console in Chromium", () => {
  it("asks for a token, then shows a new ticket running, at risk, then breached without a reload; the ticket page explains the deadline and the decision", async () => {
    database = await testDatabase("console_browser");
    const issue = krasnoyarskIssue({ description: "" });
    c = await startConsoleBridge({
      redisUrl,
      prefix: `consolebrowser${process.pid}x${n++}`,
      issues: [issue],
      history: { enabled: true, url: database.url },
    });
    const page = await (await browser()).newPage();

    await page.goto(`${c.bridge.address}/console`);
    expect(new URL(page.url()).pathname).toBe("/console/login");
    await expect(page.locator("h1").textContent()).resolves.toBe("Вход");
    await screenshot(page, "login");
    await signIn(page, viewerToken);
    expect(new URL(page.url()).pathname).toBe("/console");
    // Set once: still there at the end means the page was never reloaded.
    await page.evaluate(() => {
      (globalThis as unknown as { stayed: boolean }).stayed = true;
    });

    expect(await c.webhook("d1", issue)).toBe(202);
    const row = page.locator('tr[data-ticket="shop/701"][data-clock="reaction-l1"]');
    await row.waitFor({ timeout: 8000 });
    expect(await row.getAttribute("data-state")).toBe("running");
    await expect(row.locator("td.remaining").textContent()).resolves.toBe("15 мин");

    const turns = async (iso: string, state: string) => {
      c!.setNow(iso);
      const started = Date.now();
      expect(await c!.fireDue()).toBe(1);
      await page.waitForSelector(
        `tr[data-ticket="shop/701"][data-clock="reaction-l1"][data-state="${state}"]`,
        { timeout: 5000 },
      );
      return Date.now() - started;
    };
    // 16 of 20 working minutes is 80 %, the pack's atRiskRatio.
    const atRisk = await turns("2026-03-02T10:16:30+07:00", "at_risk");
    const breached = await turns("2026-03-02T10:21:00+07:00", "breached");
    console.info(`board followed the clock in ${atRisk} ms (at risk) and ${breached} ms (breached)`);
    // About 300 ms here (the due job run, the tracker read, the event, the page's re-read); the
    // bound leaves room for a loaded CI machine.
    expect(Math.max(atRisk, breached)).toBeLessThan(2000);
    await expect(row.locator("td.remaining").textContent()).resolves.toBe("−1 мин");
    const red = await row
      .locator("td.remaining")
      .evaluate(
        (td) =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(td)
            .color,
      );
    expect(red).toBe("rgb(198, 40, 40)");
    expect(await page.evaluate(() => (globalThis as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await expect(page.locator('.count[data-line="1"] b').textContent()).resolves.toBe("2");
    await screenshot(page, "board");

    await page.click('tr[data-ticket="shop/701"][data-clock="reaction-l1"] a[href^="/console/tickets/"]');
    await page.waitForURL(/\/console\/tickets\/shop\/701$/);
    const trace = page.locator('section.clock[data-clock="reaction-l1"] pre.explain');
    // The console speaks Russian unless asked otherwise, and so does the "why".
    await expect(trace.textContent()).resolves.toMatch(/норма 20m рабочего времени/);
    await expect(trace.textContent()).resolves.toMatch(/начат 2026-03-02T10:00:00\+07:00/);
    const decision = page.locator('tr.decision[data-rule="required-fields"]');
    await expect(decision.locator("td.citation").textContent()).resolves.toMatch(/Приложение 3, п\. 3/);
    await expect(decision.getAttribute("data-outcome")).resolves.toBe("dry-run");
    await expect(decision.textContent()).resolves.toMatch(/сделал бы:/);
    // The breach alert, stored by the history, with its (absent) deliveries.
    await until(
      async () => {
        await page.reload();
        return page.locator("tr.alert").count();
      },
      (count) => count > 0,
      10_000,
    );
    await expect(page.locator("tr.alert").first().textContent()).resolves.toMatch(/sla\.breached|breach/i);
    await screenshot(page, "ticket");

    await page.click("header >> text=English");
    await expect(page.locator("h2").first().textContent()).resolves.toBe("Clocks");
  });

  it("lets an operator retry a dead write-back from the health page, and a viewer not", async () => {
    let refuse = true;
    const issue = krasnoyarskIssue({ description: "" });
    c = await startConsoleBridge({
      redisUrl,
      prefix: `consolebrowser${process.pid}x${n++}`,
      issues: [issue],
      mode: "enforce",
      answer: (req) => (refuse && req.method === "POST" ? { status: 503 } : undefined),
    });
    await c.webhook("d1", issue);
    const ctx = await browser();
    const viewer = await ctx.newPage();
    await signIn(viewer, viewerToken, "/console/health");
    await viewer.waitForSelector('tr.job[data-state="dead"]', { timeout: 15_000 });
    expect(await viewer.locator('button[data-verb="retry"]').count()).toBe(0);
    await expect(viewer.locator("main").textContent()).resolves.toMatch(/только оператор/);
    // The viewer's own request is refused by the server, not only hidden.
    const refused = await viewer.evaluate(
      async (jobId) => {
        const res = await fetch("/console/health/retry", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: `jobId=${encodeURIComponent(jobId)}`,
        });
        return res.status;
      },
      (await viewer.locator('tr.job[data-state="dead"]').getAttribute("data-job"))!,
    );
    expect(refused).toBe(403);
    await ctx.clearCookies();

    const operator = await ctx.newPage();
    await signIn(operator, operatorToken, "/console/health");
    await operator.waitForSelector('tr.job[data-state="dead"] button[data-verb="retry"]');
    refuse = false;
    await operator.click('tr.job[data-state="dead"] button[data-verb="retry"]');
    await operator.waitForURL(/done=/);
    await expect(operator.locator("p.notice").textContent()).resolves.toMatch(/retry .*: 1/);
    await until(
      async () => c!.tracker.served.filter((s) => s.method === "POST" && s.status === 200).length,
      (posted) => posted === 1,
    );
    await operator.reload();
    expect(await operator.locator('tr.job[data-state="dead"]').count()).toBe(0);
    await screenshot(operator, "health");
  });
});
