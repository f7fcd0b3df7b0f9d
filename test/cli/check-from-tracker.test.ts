import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exampleConfigPath, packageRoot } from "../../src/paths.js";
import { cli } from "../helpers/cli.js";

const hook = (name: string) => join(packageRoot, "test/fixtures/gitlab", name);

describe("reglament check --from gitlab", () => {
  it("explains a native Issue Hook the way the bridge decides it: keep the highest priority label", async () => {
    const r = await cli(
      "check",
      "--from",
      "gitlab",
      "--pack",
      "e-recipe-by",
      "--config",
      exampleConfigPath,
      hook("issue-hook-open-two-priorities.json"),
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ нарушение \[one-priority-label\] У задачи несколько меток приоритета/);
    expect(r.out).toMatch(/→ снять метку «Priority: Low»/);
    expect(r.out).toMatch(/→ комментарий \(публичный\)/);
  });

  it("reads a Note Hook's comment as the change", async () => {
    const r = await cli(
      "check",
      "--from",
      "gitlab",
      "--pack",
      "e-recipe-by",
      "--format",
      "json",
      hook("note-hook-issue.json"),
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([]);
  });

  it("refuses --change with --from, and a file that is not the named tracker's JSON", async () => {
    const both = await cli(
      "check",
      "--from",
      "gitlab",
      "--pack",
      "e-recipe-by",
      "--change",
      "x.json",
      hook("note-hook-issue.json"),
    );
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--change cannot be combined with --from/);
    const notHook = await cli(
      "check",
      "--from",
      "gitlab",
      "--pack",
      "e-recipe-by",
      join(packageRoot, "test/fixtures/tickets/sevastopol-block-normal.json"),
    );
    expect(notHook.code).toBe(2);
    expect(notHook.err).toMatch(/object_kind is undefined; expected an Issue Hook/);
    const otherTracker = await cli(
      "check",
      "--from",
      "yandex",
      "--pack",
      "mgerm",
      hook("note-hook-issue.json"),
    );
    expect(otherTracker.code).toBe(2);
    expect(otherTracker.err).toMatch(
      /Yandex Tracker issue JSON cannot be read: expected an issue as GET \/v2\/issues\/\{key\} returns it/,
    );
  });
});

/** `reglament check --from mantis --pack sevastopol-miac --config <example> FILE [flags]`. */
const checkSevastopol = (file: string, ...flags: string[]) =>
  cli(
    "check",
    "--from",
    "mantis",
    "--pack",
    "sevastopol-miac",
    "--config",
    exampleConfigPath,
    ...flags,
    file,
  );

describe("reglament check --from mantis", () => {
  it("explains a native MantisBT issue JSON (GET /api/rest/issues/{id}) as the bridge decides it", async () => {
    const r = await checkSevastopol(
      join(packageRoot, "test/fixtures/mantis-scenarios/issue-7-block-normal.json"),
      "--format",
      "json",
    );
    expect(r.code).toBe(1);
    const matrix = JSON.parse(r.out).find((d: { rule: string }) => d.rule === "impact-priority-matrix");
    expect(matrix.actions[0]).toEqual({ type: "setField", field: "priority", value: "immediate" });
  });

  it("explains the recorded feature/immediate issue in Russian, citing section 3.2", async () => {
    const r = await checkSevastopol(
      join(packageRoot, "test/fixtures/mantisbt/01-create-issue-feature-immediate.response.json"),
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /✗ нарушение \[impact-priority-matrix\] Приоритет «Неотложный» не соответствует влиянию «Нововведение» .*приоритет исправлен на «Нет»/,
    );
    expect(r.out).toMatch(/основание: «Регламент по технической поддержке .*п\. 3\.2/);
    expect(r.out).toMatch(/→ установить приоритет = "none"/);
  });

  it("reads an impact MantisBT stored as 0 as unknown: a warning decision, never a crash", async () => {
    const r = await checkSevastopol(
      join(packageRoot, "test/fixtures/mantisbt/E04-patch-invalid-severity-name-accepted.response.json"),
    );
    expect(r.code).toBeLessThan(2);
    expect(r.out).toMatch(
      /i сведения \[impact-priority-matrix\] Влияние заявки не распознано \(значение трекера: 0\)/,
    );
  });

  it("reads the whole GET answer as well as one issue, and names what it expected", async () => {
    const element = await checkSevastopol(
      join(packageRoot, "test/fixtures/mantisbt/19-get-issue-escalated.response.json"),
    );
    expect(element.code).toBeLessThan(2);
    const wrong = await checkSevastopol(
      join(packageRoot, "test/fixtures/tickets/sevastopol-block-normal.json"),
    );
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/MantisBT issue JSON cannot be read: expected an issue object/);
    const gitlab = await checkSevastopol(hook("note-hook-issue.json"));
    expect(gitlab.code).toBe(2);
    expect(gitlab.err).toMatch(/MantisBT issue JSON is not valid/);
  });
});

describe("reglament check --from yandex", () => {
  it("reads an issue as GET /v2/issues/{key} returns it: MGERM's intake template asks for the login and the steps", async () => {
    const r = await cli(
      "check",
      "--from",
      "yandex",
      "--pack",
      "mgerm",
      join(packageRoot, "test/fixtures/yandex-tracker/issue-new-without-login.json"),
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /✗ нарушение \[template-completeness\] В заявке не хватает сведений по шаблону: логин в системе/,
    );
    expect(r.out).toMatch(/→ перевести в статус needInfo/);
  });
});
