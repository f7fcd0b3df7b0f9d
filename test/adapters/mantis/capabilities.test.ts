import { readFileSync } from "node:fs";
import { join } from "node:path";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { createMantisAdapter } from "../../../adapters/mantis/adapter.js";
import { MantisClient } from "../../../adapters/mantis/client.js";
import type { PackNeed, TrackerNeed } from "../../../src/domain/tracker-needs.js";
import { strictNock } from "../../helpers/bridge-http.js";
import { MANTIS, mantisNormaliser } from "../../helpers/mantis.js";

/** The answers of a real MantisBT 2.28.4 with stock thresholds, the bridge account an updater in project 1. */
const recorded = (name: string) =>
  JSON.parse(
    readFileSync(join(import.meta.dirname, "../../fixtures/mantisbt-capabilities", `${name}.json`), "utf8"),
  );
type Config = { configs: { option: string; value: unknown }[] };
const withOption = (option: string, value: unknown): Config => {
  const config = recorded("config-stock") as Config;
  return { configs: config.configs.map((c) => (c.option === option ? { option, value } : c)) };
};
const asLevel = (id: number, name: string) => {
  const project = recorded("project-1-as-updater");
  project.projects[0].access_level = { id, name, label: name };
  return project;
};

const adapter = () =>
  createMantisAdapter(mantisNormaliser(), new MantisClient("sev", MANTIS, "MANTIS_TOKEN", 2000), {
    projects: ["1"],
    bridgeUser: "reglament",
  });
const by = { pack: "sevastopol-miac", rule: "r", section: "5" };
const needs = (...list: TrackerNeed[]) => new Map([["1", list.map((n): PackNeed => ({ ...n, by }))]]);
function answer({ project = recorded("project-1-as-updater"), config = recorded("config-stock") } = {}) {
  nock(MANTIS, { reqheaders: { authorization: "MANTIS_TOKEN" } })
    .get("/api/rest/projects/1")
    .reply(200, project)
    .get("/api/rest/config")
    .query(
      (q) =>
        q.project_id === "1" &&
        Array.isArray(q["option[]"]) &&
        q["option[]"].includes("handle_bug_threshold"),
    )
    .reply(200, config)
    .get("/api/rest/projects/1/users")
    .reply(200, recorded("project-1-users"));
}
const all: TrackerNeed[] = [
  { kind: "comment" },
  { kind: "setField", field: "priority" },
  { kind: "transition", status: "feedback" },
  { kind: "transition", status: "new" },
  { kind: "assign" },
  { kind: "assignReporter" },
  { kind: "writeInStatus", status: "resolved" },
  { kind: "writeInStatus", status: "closed" },
  { kind: "statusKeptOnAssign" },
  { kind: "reporterClosesResolved", resolved: ["resolved"], closed: "closed" },
];

strictNock();

describe("MantisBT: what the thresholds will refuse", () => {
  it("stock thresholds, the bridge an updater: assigning, feedback, read-only tickets, and what people cannot do", async () => {
    answer();
    const problems = await adapter().checkCapabilities!(needs(...all));
    expect(problems.map((p) => [p.severity, p.setting])).toEqual([
      ["blocks", "update_bug_status_threshold"],
      ["blocks", "update_bug_assign_threshold"],
      ["blocks", "handle_bug_threshold"],
      ["hinders", "auto_set_status_to_assigned"],
      ["hinders", "allow_reporter_close"],
      ["hinders", "bug_readonly_status_threshold"],
      ["blocks", "update_readonly_bug_threshold"],
    ]);
    const text = (setting: string) => problems.find((p) => p.setting === setting)?.message;
    expect(text("update_bug_assign_threshold")).toBe(
      "assigning tickets will be refused: the bridge account is updater (40) in project 1 «Поддержка МИС», and update_bug_assign_threshold is developer (55); give the bridge account that level in the project (Manage → Projects → «Поддержка МИС» → Users) or lower the threshold (Manage → Configuration → Workflow Thresholds)",
    );
    // The bridge's own account is not one of the reporters.
    expect(text("handle_bug_threshold")).toMatch(
      /: ivanov \(reporter \(25\)\) in project 1 «Поддержка МИС» cannot be handlers, since handle_bug_threshold is developer \(55\); set handle_bug_threshold to reporter \(25\)/,
    );
    expect(text("update_readonly_bug_threshold")).toMatch(
      /^writing on tickets in resolved, closed \(read-only from resolved \(80\)/,
    );
    // «Новая» needs only reporter (set_status_threshold), which an updater has.
    expect(problems.some((p) => p.need?.kind === "transition" && p.need.status === "new")).toBe(false);
  });

  it("a manager with handle_bug_threshold lowered and auto_set_status_to_assigned off: only the reporter's closing remains", async () => {
    const config = withOption("handle_bug_threshold", 25);
    config.configs = config.configs.map((c) =>
      c.option === "auto_set_status_to_assigned" ? { ...c, value: 0 } : c,
    );
    answer({ project: asLevel(70, "manager"), config });
    const problems = await adapter().checkCapabilities!(needs(...all));
    expect(problems.map((p) => p.setting)).toEqual(["allow_reporter_close", "bug_readonly_status_threshold"]);
  });

  it("allow_reporter_close on and resolved tickets writable: nothing in the way of the initiator", async () => {
    const config = withOption("allow_reporter_close", 1);
    config.configs = config.configs.map((c) =>
      c.option === "bug_readonly_status_threshold" ? { ...c, value: 90 } : c,
    );
    answer({ project: asLevel(70, "manager"), config });
    const problems = await adapter().checkCapabilities!(
      needs({ kind: "reporterClosesResolved", resolved: ["resolved"], closed: "closed" }),
    );
    expect(problems).toEqual([]);
  });

  it("a threshold given as a list of exact levels is MantisBT's access_compare_level", async () => {
    answer({
      project: asLevel(55, "developer"),
      config: withOption("update_bug_assign_threshold", [70, 90]),
    });
    const problems = await adapter().checkCapabilities!(needs({ kind: "assign" }));
    expect(problems[0]?.message).toMatch(
      /update_bug_assign_threshold is manager \(70\) or administrator \(90\)/,
    );
  });

  it("a tracker that does not answer fails the check with a retryable error, so the bridge still starts", async () => {
    nock(MANTIS)
      .get("/api/rest/projects/1")
      .reply(503, "")
      .get("/api/rest/config")
      .query(true)
      .reply(503, "");
    await expect(adapter().checkCapabilities!(needs({ kind: "comment" }))).rejects.toMatchObject({
      retryable: true,
    });
  });
});
