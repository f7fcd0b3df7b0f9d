import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";

/** Every option is checked before the command runs: a value that cannot be right is a usage error, exit 2. */
describe("option values", () => {
  const refused = async (args: string[], said: RegExp) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(said);
    expect(r.out).toBe("");
  };

  it("decisions: --limit a whole number, --ticket <instance>/<id>", async () => {
    await refused(
      ["decisions", "-t", "sev/1", "--limit", "abc"],
      /--limit <n>' argument 'abc' is invalid\. expected a whole number from 1 to 100/,
    );
    await refused(["decisions", "-t", "sev/1", "--limit", "0"], /expected a whole number from 1 to 100/);
    await refused(["decisions", "-t", "sev/1", "--limit", "2.5"], /expected a whole number/);
    await refused(
      ["decisions", "--ticket", "nope"],
      /--ticket <instance\/id>' argument 'nope' is invalid\. expected <instance>\/<ticket id>/,
    );
    await refused(["decisions", "--ticket", "sev/"], /expected <instance>\/<ticket id>/);
    await refused(["decisions", "--ticket", "/1"], /expected <instance>\/<ticket id>/);
  });

  it("moments, formats, states, trackers and roles", async () => {
    await refused(
      ["sla", "--pack", "mgerm", "--now", "tomorrow", "t.json"],
      /--now <iso>' argument 'tomorrow' is invalid/,
    );
    await refused(["check", "--pack", "mgerm", "--now", "2026-13", "t.json"], /expected an ISO 8601 moment/);
    await refused(
      ["check", "--pack", "mgerm", "--format", "xml", "t.json"],
      /argument 'xml' is invalid\. Allowed choices are json, text/,
    );
    await refused(
      ["check", "--pack", "mgerm", "--from", "jira", "t.json"],
      /Allowed choices are mantis, yandex, gitlab/,
    );
    await refused(
      ["check", "--pack", "mgerm", "--actor-role", "boss", "t.json"],
      /Allowed choices are line1/,
    );
    await refused(
      ["events", "list", "--state", "stuck"],
      /Allowed choices are waiting, active, delayed, failed/,
    );
    await refused(["serve", "--log-format", "xml"], /Allowed choices are pretty, json/);
  });

  it("audit --since: days back or a date, and the refusal names both", async () => {
    await refused(
      ["audit", "--instance", "sev", "--since", "yesterday"],
      /--since <when>' argument 'yesterday' is invalid\. expected days back from now such as 30d, or an ISO 8601 date or moment such as 2026-02-20 or 2026-02-20T15:00:00\+03:00/,
    );
    await refused(["audit", "--instance", "sev", "--since", "30days"], /such as 30d, or an ISO 8601 date/);
  });

  it("decisions --bridge-url: an http(s) address", async () => {
    await refused(
      ["decisions", "--rule", "r", "--bridge-url", "127.0.0.1:8080"],
      /expected an http\(s\) address such as http:\/\/127\.0\.0\.1:8080/,
    );
  });

  it("a missing mandatory option is named", async () => {
    await refused(
      ["calendar", "add", "--pack", "mgerm", "--duration", "4h"],
      /required option '--from <iso>' not specified/,
    );
    await refused(["sla", "t.json"], /required option '-p, --pack <id>' not specified/);
  });
});
