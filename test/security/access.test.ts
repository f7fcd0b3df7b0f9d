import net from "node:net";
import { describe, expect, it } from "vitest";
import { consoleBridges, operatorToken, viewerToken } from "../helpers/console-bridge.js";
import { consoleCookie } from "../helpers/console-session.js";
import { testRedisUrl } from "../helpers/redis.js";

/**
 * The bridge's doors, tried as an outsider and as a viewer would: every protected route
 * in every spelling the router accepts, sessions, launch links, sign-in limits, timeouts,
 * and webhooks refused before their body is read.
 */
const { start } = consoleBridges("security", testRedisUrl(2));

/** One raw request, so that nothing on the client side normalises the path first. */
function raw(
  address: string,
  requestLine: string,
  headers: Record<string, string> = {},
  body = "",
): Promise<{ status: number; head: string; body: string }> {
  const { hostname, port } = new URL(address);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      const lines = Object.entries({ host: `${hostname}:${port}`, connection: "close", ...headers })
        .map(([k, v]) => `${k}: ${v}`)
        .join("\r\n");
      socket.write(`${requestLine} HTTP/1.1\r\n${lines}\r\n\r\n${body}`);
    });
    let data = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk) => {
      data += chunk;
    });
    socket.on("error", reject);
    socket.on("end", () => {
      const split = data.indexOf("\r\n\r\n");
      resolve({
        status: Number(data.slice(9, 12)),
        head: data.slice(0, split),
        body: data.slice(split + 4),
      });
    });
  });
}

/** The spellings a router may take for the same path, or a near one: none may open a door. */
function spellings(path: string, authority: string): string[] {
  const [first, ...rest] = path.slice(1);
  const hex = (ch: string) => `%${ch.charCodeAt(0).toString(16)}`;
  const segments = path.split("/");
  return [
    path,
    `/${hex(first!)}${rest.join("")}`,
    `/${hex(first!).toUpperCase()}${rest.join("")}`,
    [...path].map((ch) => (ch === "/" ? ch : hex(ch))).join(""),
    `/${path}`,
    `/.${path}`,
    `/x/..${path}`,
    `/%2e%2e${path}`,
    path.toUpperCase(),
    `${path}/`,
    `${path};x=1`,
    `${path}%00`,
    segments.join("//"),
    segments.join("/./"),
    segments.join("%2f"),
    segments.join("%2F"),
    `${path}?lang=en`,
    `http://${authority}${path}`,
  ];
}

describe("routes and their spellings", () => {
  it("every route but the open ones needs a token, whatever its spelling; a viewer never reaches an operator's", async () => {
    const bridge = await start();
    const { address } = bridge.bridge;
    const authority = new URL(address).host;
    const routes = bridge.bridge.guard.routes;
    // The open doors are exactly these: health, webhooks (their own secret), sign-in and its assets.
    expect(
      [...new Set(routes.filter((r) => r.access === "open").map((r) => `${r.method} ${r.url}`))].sort(),
    ).toEqual(
      [
        "GET /console/assets/console.css",
        "GET /console/assets/live.js",
        "GET /console/launch",
        "GET /console/login",
        "GET /healthz",
        "GET /readyz",
        "HEAD /console/assets/console.css",
        "HEAD /console/assets/live.js",
        "HEAD /console/launch",
        "HEAD /console/login",
        "HEAD /healthz",
        "HEAD /readyz",
        "POST /console/login",
        "POST /console/logout",
        "POST /webhooks/:instance",
      ].sort(),
    );
    const viewerCookie = await consoleCookie(address, viewerToken);
    const closed = routes.filter((r) => r.access !== "open");
    expect(closed.length).toBeGreaterThan(20);
    let tried = 0;
    for (const route of closed) {
      // A concrete path for the route's pattern: parameters filled, bull-board's wildcard too.
      const path = route.url.replace(/:[a-zA-Z]+/g, "shop").replace(/\*$/, "x");
      for (const spelling of spellings(path, authority)) {
        const body = route.method === "GET" || route.method === "HEAD" ? "" : "{}";
        const headers: Record<string, string> = body
          ? { "content-type": "application/json", "content-length": "2" }
          : {};
        const stranger = await raw(address, `${route.method} ${spelling}`, headers, body);
        tried++;
        expect([303, 400, 401, 404], `${route.method} ${spelling} without a token`).toContain(
          stranger.status,
        );
        if (stranger.status === 303) expect(stranger.head).toMatch(/\r\nlocation: \/console\/login\?next=/i);
        if (route.access === "operator") {
          const viewer = await raw(
            address,
            `${route.method} ${spelling}`,
            {
              ...headers,
              cookie: viewerCookie,
              authorization: `Bearer ${viewerToken}`,
              origin: address,
            },
            body,
          );
          expect([400, 403, 404], `${route.method} ${spelling} as a viewer`).toContain(viewer.status);
        }
      }
    }
    expect(tried).toBeGreaterThan(400);
  });

  it("answers a broken %-escape with 400 in its own words", async () => {
    const bridge = await start();
    const r = await raw(bridge.bridge.address, "GET /api/%zz");
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ error: "REG_BAD_URL" });
  });

  it("sends security headers on console pages: a CSP with no inline script, no framing, no referrer to other sites", async () => {
    const bridge = await start();
    const r = await fetch(`${bridge.bridge.address}/console/login`);
    const csp = r.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("referrer-policy")).toBe("same-origin");
    expect(r.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });
});

describe("sessions", () => {
  it("lets every role sign out, which ends the session on the server, not just in the browser", async () => {
    const bridge = await start();
    const { address } = bridge.bridge;
    for (const token of [viewerToken, operatorToken]) {
      const cookie = await consoleCookie(address, token);
      expect((await fetch(`${address}/console`, { headers: { cookie }, redirect: "manual" })).status).toBe(
        200,
      );
      const out = await fetch(`${address}/console/logout`, {
        method: "POST",
        headers: { cookie, origin: address },
        redirect: "manual",
      });
      expect(out.status).toBe(303);
      expect(out.headers.get("set-cookie")).toMatch(/reglament_session=;.*Max-Age=0/);
      // The same cookie, kept by someone who copied it, is worth nothing now.
      const again = await fetch(`${address}/console`, { headers: { cookie }, redirect: "manual" });
      expect(again.status).toBe(303);
      expect(again.headers.get("location")).toMatch(/^\/console\/login/);
    }
  });

  it("never takes a token as a cookie, nor a cookie on the API", async () => {
    const bridge = await start();
    const { address } = bridge.bridge;
    const asCookie = await fetch(`${address}/console`, {
      headers: { cookie: `reglament_session=${operatorToken}` },
      redirect: "manual",
    });
    expect(asCookie.status).toBe(303);
    const cookie = await consoleCookie(address, operatorToken);
    expect((await fetch(`${address}/api/queues`, { headers: { cookie } })).status).toBe(401);
  });

  it("marks the cookie Secure when a trusted proxy says the request came over TLS, and only then", async () => {
    const bridge = await start({ server: { trustProxy: true } });
    const signIn = (headers: Record<string, string>) =>
      fetch(`${bridge.bridge.address}/console/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams({ token: viewerToken }).toString(),
      });
    expect((await signIn({ "x-forwarded-proto": "https" })).headers.get("set-cookie")).toMatch(/; Secure$/);
    expect((await signIn({})).headers.get("set-cookie")).not.toMatch(/Secure/);
  });

  it("limits sign-in attempts from one address", async () => {
    const bridge = await start();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await fetch(`${bridge.bridge.address}/console/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: `guess-${i}` }).toString(),
      });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 303)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it("refuses a signed-in browser's write that another site sent, even with some other Authorization header", async () => {
    const bridge = await start();
    const { address } = bridge.bridge;
    const cookie = await consoleCookie(address, operatorToken);
    const r = await fetch(`${address}/console/health/retry`, {
      method: "POST",
      redirect: "manual",
      headers: {
        cookie,
        origin: "https://evil.example",
        authorization: "Basic Zm9vOmJhcg==",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "jobId=1",
    });
    expect(r.status).toBe(403);
    expect(await r.text()).toMatch(/REG_CROSS_SITE/);
  });
});

describe("webhooks and slow clients", () => {
  it("refuses a delivery without the secret from its headers, before its body arrives", async () => {
    const bridge = await start();
    const { hostname, port } = new URL(bridge.bridge.address);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () =>
        // A body of a megabyte is announced and never sent.
        socket.write(
          "POST /webhooks/shop HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\nx-test-token: wrong\r\n\r\n{",
        ),
      );
      let data = "";
      socket.on("data", (chunk) => {
        data += chunk;
        if (data.includes("\r\n\r\n")) {
          socket.destroy();
          resolve(data);
        }
      });
      socket.on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
  });

  it("answers an unknown or prototype-named instance 404 without listing the configured ones", async () => {
    const bridge = await start();
    for (const name of ["nope", "__proto__", "constructor", "toString"]) {
      const r = await fetch(`${bridge.bridge.address}/webhooks/${name}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-test-token": "s3cret" },
        body: "{}",
      });
      expect(r.status).toBe(404);
      const text = await r.text();
      expect(text).toMatch(/REG_UNKNOWN_INSTANCE/);
      expect(text).not.toMatch(/shop/);
    }
  });

  it("cuts off a body trickled slower than the request timeout", async () => {
    const bridge = await start({ server: { timeouts: { requestMs: 1000, headersMs: 500 } } });
    const { hostname, port } = new URL(bridge.bridge.address);
    const outcome = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(port), hostname, () => {
        socket.write(
          "POST /webhooks/shop HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\nx-test-token: s3cret\r\n\r\n{",
        );
        const drip = setInterval(() => socket.writable && socket.write(" "), 200);
        socket.on("close", () => clearInterval(drip));
      });
      let data = "";
      socket.on("data", (chunk) => {
        data += chunk;
      });
      socket.on("close", () => resolve(data || "closed"));
      socket.on("error", () => {});
      // The drip would finish the body after 20 s; the server must end it long before.
      setTimeout(() => resolve("still open"), 8000);
    });
    expect(outcome).not.toBe("still open");
    expect(outcome === "closed" || /^HTTP\/1\.1 408/.test(outcome)).toBe(true);
  });
});
