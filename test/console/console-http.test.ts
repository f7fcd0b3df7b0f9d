import { describe, expect, it } from "vitest";
import { until } from "../helpers/bridge-http.js";
import { consoleBridges, krasnoyarskIssue, operatorToken, viewerToken } from "../helpers/console-bridge.js";
import { consoleCookie } from "../helpers/console-session.js";
import { testRedisUrl } from "../helpers/redis.js";

/** The console over real HTTP, as a browser without script meets it. */
const bridges = consoleBridges("consolehttp", testRedisUrl(2));
const start = bridges.start;
/** The bridge the running test started. */
const bridge = () => bridges.current!;
// A browser signs in once per token and bridge, and sends its session's cookie after that.
const sessions = new Map<string, Promise<string>>();
const cookieOf = (token: string) => {
  const key = `${bridge().bridge.address} ${token}`;
  if (!sessions.has(key)) sessions.set(key, consoleCookie(bridge().bridge.address, token));
  return sessions.get(key)!;
};
const get = async (path: string, token?: string, headers: Record<string, string> = {}) =>
  fetch(`${bridge().bridge.address}${path}`, {
    redirect: "manual",
    headers: { ...(token ? { cookie: await cookieOf(token) } : {}), ...headers },
  });
const post = async (
  path: string,
  form: Record<string, string>,
  token?: string,
  origin = bridge().bridge.address,
) =>
  fetch(`${bridge().bridge.address}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin,
      ...(token ? { cookie: await cookieOf(token) } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });

describe("signing in", () => {
  it("sends a person without a token to the sign-in page, and a known token back to where they were going", async () => {
    await start();
    const page = await get("/console/health?lang=en");
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/console/login?next=%2Fconsole%2Fhealth%3Flang%3Den");
    const login = await get("/console/login?next=%2Fconsole%2Fhealth");
    expect(login.status).toBe(200);
    expect(await login.text()).toMatch(/<form class="login" method="post" action="\/console\/login">/);

    const wrong = await post("/console/login", { token: "nope", next: "/console/health" });
    expect(wrong.status).toBe(303);
    expect(wrong.headers.get("location")).toMatch(/^\/console\/login\?wrong=1/);
    expect(wrong.headers.get("set-cookie")).toBeNull();

    const right = await post("/console/login", { token: viewerToken, next: "/console/health" });
    expect(right.status).toBe(303);
    expect(right.headers.get("location")).toBe("/console/health");
    // The cookie carries an opaque session id, never the token.
    expect(right.headers.get("set-cookie")).toMatch(
      /^reglament_session=[\w-]{43}; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
    expect(right.headers.get("set-cookie")).not.toContain(viewerToken);
    // Sign-in never leads off the console.
    const away = await post("/console/login", { token: viewerToken, next: "https://evil.example/" });
    expect(away.headers.get("location")).toBe("/console");

    // The stream and the API answer 401, not a redirect; the API still wants its bearer token.
    expect((await get("/console/events")).status).toBe(401);
    expect((await get("/api/queues", viewerToken)).status).toBe(401);
  });

  it("prints a launch link that signs in as operator when no token is configured", async () => {
    await start({ tokens: [] });
    const url = new URL(bridge().bridge.consoleUrl);
    expect(url.pathname).toBe("/console/launch");
    const key = url.searchParams.get("key")!;
    expect(key.length).toBeGreaterThan(20);
    const launched = await get(`/console/launch?key=${key}`);
    expect(launched.status).toBe(303);
    const cookie = /reglament_session=[^;]+/.exec(launched.headers.get("set-cookie") ?? "")![0];
    expect(cookie).not.toContain(key);
    expect((await get("/console/queues", undefined, { cookie })).status).toBe(200);
    // Single-use: a second browser (or the same link from a log or a history) gets nothing.
    expect((await get(`/console/launch?key=${key}`)).headers.get("location")).toBe("/console/login?wrong=1");
    // And a launch code is not a token anywhere.
    expect((await get("/api/queues", undefined, { authorization: `Bearer ${key}` })).status).toBe(401);
    expect((await get("/console/launch?key=guess")).headers.get("location")).toBe("/console/login?wrong=1");
  });
});

describe("the board", () => {
  it("shows a new ticket's clocks by line from the index, in Russian or English, and refuses a bad filter with a page", async () => {
    await start();
    expect(await bridge().webhook("d1", krasnoyarskIssue())).toBe(202);
    const board = await until(
      async () => (await get("/console?fragment=1", viewerToken)).text(),
      (html) => html.includes('data-ticket="shop/701"'),
    );
    expect(board).toMatch(/data-ticket="shop\/701" data-clock="reaction-l1" data-state="running"/);
    expect(board).toMatch(/data-ticket="shop\/701" data-clock="resolution" data-state="running"/);
    // 20 working minutes from 10:00, five gone at 10:05 Krasnoyarsk time.
    expect(board).toMatch(/reaction-l1[^\n]*02\.03\.2026 10:20<\/td><td class="n remaining">15 мин/);
    expect(board).toMatch(/Линия 1 — 2/);

    const english = await (await get("/console?lang=en&state=running&line=1", viewerToken)).text();
    expect(english).toMatch(/<title>SLA board — Reglament<\/title>/);
    expect(english).toMatch(/15 min/);
    expect(english).toMatch(/Line 1 — 2/);
    expect(english).not.toMatch(/Line 2 —/);

    const bad = await get("/console?line=four", viewerToken);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toMatch(/text\/html/);
    expect(await bad.text()).toMatch(/line &quot;four&quot; must be a support line number/);
  });

  it("announces a clock's change on the event stream", async () => {
    await start();
    const controller = new AbortController();
    const stream = await fetch(`${bridge().bridge.address}/console/events?kinds=board`, {
      headers: { cookie: await cookieOf(viewerToken) },
      signal: controller.signal,
    });
    expect(stream.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = stream.body!.getReader();
    let seen = "";
    const read = (async () => {
      const decoder = new TextDecoder();
      while (!seen.includes("event: board")) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += decoder.decode(value);
      }
    })();
    const started = Date.now();
    await bridge().webhook("d1", krasnoyarskIssue());
    await Promise.race([read, new Promise((r) => setTimeout(r, 8000))]);
    controller.abort();
    expect(seen).toMatch(/event: board/);
    expect(Date.now() - started).toBeLessThan(8000);
  });
});

describe("the history's pages", () => {
  it("say so when the history is off, and refuse a bad month with a page", async () => {
    await start();
    const compliance = await (await get("/console/compliance", viewerToken)).text();
    expect(compliance).toMatch(/История выключена \(history\.enabled: false\)/);
    expect(compliance).toMatch(/name="month" value="2026-03"/);
    expect(await (await get("/console/activity?lang=en", viewerToken)).text()).toMatch(/The history is off/);
    const bad = await get("/console/compliance?month=2026-13", viewerToken);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/month &quot;2026-13&quot; must be YYYY-MM/);
  });
});

describe("queue health", () => {
  it("lets an operator retry a dead write-back and refuses it to a viewer", async () => {
    let refuse = true;
    await start({
      mode: "enforce",
      issues: [krasnoyarskIssue({ description: "" })],
      answer: (req) => (refuse && req.method === "POST" ? { status: 503 } : undefined),
    });
    await bridge().webhook("d1", krasnoyarskIssue({ description: "" }));
    const dead = await until(
      async () => (await get("/console/health?fragment=1", operatorToken)).text(),
      (html) => html.includes('data-state="dead"'),
      15_000,
    );
    const jobId = /data-job="([^"]+)" data-state="dead"/.exec(dead)![1]!;
    expect(dead).toMatch(/<button type="submit" data-verb="retry">/);
    const asViewer = await (await get("/console/health", viewerToken)).text();
    expect(asViewer).not.toMatch(/data-verb="retry"/);
    const refused = await post("/console/health/retry", { jobId }, viewerToken);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/needs an operator&#39;s token|needs an operator's token/);
    // A signed-in operator's browser writes only from the console's own pages.
    expect(
      (await post("/console/health/retry", { jobId }, operatorToken, "https://evil.example")).status,
    ).toBe(403);
    expect((await get("/console/queues", viewerToken)).status).toBe(403);

    refuse = false;
    const retried = await post("/console/health/retry", { jobId }, operatorToken);
    expect(retried.status).toBe(303);
    expect(decodeURIComponent(retried.headers.get("location")!)).toBe(
      `/console/health?done=retry ${jobId}: 1`,
    );
    await until(
      async () => bridge().tracker.served.filter((s) => s.method === "POST" && s.status === 200).length,
      (posted) => posted === 1,
    );
    const after = await (await get("/console/health?fragment=1", operatorToken)).text();
    expect(after).not.toMatch(/data-state="dead"/);
    expect((await get("/console/queues", operatorToken)).status).toBe(200);
  });
});

describe("tracker health", () => {
  it("shows a tracker that does not answer — since when, and why — and that it answers again", async () => {
    let down = true;
    const issue = krasnoyarskIssue({ description: "" });
    await start({
      mode: "enforce",
      issues: [issue],
      answer: (req) => (down && req.method === "GET" ? { status: 503 } : undefined),
    });
    const page = () => get("/console/health?fragment=1&lang=en", viewerToken).then((r) => r.text());
    await bridge().webhook("d1", issue);
    const unreachable = await until(page, (html) => html.includes("HTTP 503"), 15_000);
    expect(unreachable).toMatch(
      /<tr data-tracker="shop" data-state="unreachable"><td>shop<\/td><td>gitlab<\/td><td><span class="bad">unreachable since \d\d\.\d\d\.\d{4} \d\d:\d\d<\/span><\/td><td>(get issue|list open issues) failed with HTTP 503: Service Unavailable<\/td><\/tr>/,
    );

    down = false;
    await bridge().webhook("d2", { ...issue, title: "Не открывается ЭМК (снова)" });
    const reachable = await until(page, (html) => html.includes('data-state="reachable"'), 15_000);
    expect(reachable).toMatch(
      /<tr data-tracker="shop" data-state="reachable"><td>shop<\/td><td>gitlab<\/td><td>reachable<\/td><td>—<\/td><\/tr>/,
    );
  });
});
