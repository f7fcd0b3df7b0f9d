import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { redactUrl, redactUrlsInText } from "../../src/config/redact-url.js";
import { describeTarget } from "../../src/redis/connection.js";
import { cli } from "../helpers/cli.js";

describe("a URL as it is printed", () => {
  it("hides a password, a user given alone and ?password=, and keeps the rest", () => {
    expect(redactUrl("redis://:secret@10.0.0.5:6379/0")).toBe("redis://:***@10.0.0.5:6379/0");
    expect(redactUrl("postgres://reglament:s%40cret@db:5432/reglament?sslmode=require")).toBe(
      "postgres://reglament:***@db:5432/reglament?sslmode=require",
    );
    expect(redactUrl("https://glpat-0123456789@gitlab.example.by")).toBe("https://***@gitlab.example.by/");
    expect(redactUrl("postgres://db/reglament?user=r&password=secret")).toBe(
      "postgres://db/reglament?user=r&password=***",
    );
    expect(redactUrl("redis://10.0.0.5:6379/0")).toBe("redis://10.0.0.5:6379/0");
  });

  it("hides all between // and the last @ of what is no URL: the password is what broke it", () => {
    for (const url of [
      "redis://:pa/ss@host:6379",
      "https://admin:secret@mantis example.ru",
      "postgres://u:p#w@h/db",
    ])
      expect(redactUrl(url), url).not.toMatch(/pa\/ss|secret|p#w/);
  });

  it("in a free text (an error's message or stack) too", () => {
    expect(
      redactUrlsInText('connect to "redis://:secret@host:6379" failed; see https://docs.example/x'),
    ).toBe('connect to "redis://***@host:6379" failed; see https://docs.example/x');
  });

  it("the Redis serve names at start-up", () => {
    expect(describeTarget({ kind: "url", url: "redis://:secret@10.0.0.5:6379/0" })).not.toContain("secret");
  });
});

describe("reglament config check", () => {
  it("never prints a password a URL in the file carries, in a problem it reports", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "reglament-redact-")), "reglament.yaml");
    writeFileSync(
      file,
      [
        "redis: { url: 'redis://:redissecret@127.0.0.1:6390/0', keyPrefix: 'a{b}' }",
        "history: { url: 'mysql://u:histsecret@db/x' }",
        "trackers:",
        "  sev: { kind: mantis, baseUrl: 'https://admin:basesecret@mantis example.ru', token: t, bridgeUser: r, projects: { '1': { pack: sevastopol-miac } } }",
        "  gl: { kind: gitlab, baseUrl: 'gitlab.example.by:glsecret@x', token: t, bridgeUser: r, projects: { g/s: { pack: e-recipe-by } } }",
        "alerts:",
        "  endpoints: [{ name: a, url: 'ftp://u:alertsecret@x', secret: '0123456789', events: [breached] }]",
        "",
      ].join("\n"),
    );
    const r = await cli("config", "check", file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/trackers\.sev\.baseUrl/);
    expect(r.err).toContain("https://***@mantis example.ru");
    expect(`${r.out}${r.err}`).not.toMatch(/redissecret|histsecret|basesecret|glsecret|alertsecret/);
  });
});
