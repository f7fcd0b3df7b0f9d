import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.js";
import { cli, cliProcess } from "../helpers/cli.js";

const fixture = (name: string) => join(packageRoot, "test/fixtures/tickets", name);
const tmp = (name: string, content: unknown) => {
  const file = join(tmpdir(), `reglament-${process.pid}-${name}`);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
};

describe("reglament check", () => {
  it("Krasnoyarsk Приложение 3, п. 2: with the project's open tickets given (as the bridge lists them), shows the duplicate suspicion", async () => {
    const base = {
      ref: { tracker: "yandex", instance: "kmiac", project: "KMIAC", id: "KMIAC-2" },
      title: "Не открываются карты пациентов в регистратуре",
      description: "Ошибка 500",
      type: "Ошибка",
      priority: "normal",
      status: "new",
      reporter: { id: "clinic-b", role: "line1" },
      createdAt: "2026-03-02T10:00:00+07:00",
    };
    const open = [
      {
        ...base,
        ref: { ...base.ref, id: "KMIAC-1" },
        title: "Не открывается карта пациента в регистратуре",
        reporter: { id: "clinic-a" },
      },
    ];
    const args = [
      "check",
      "--pack",
      "krasnoyarsk-kmiac",
      "--format",
      "json",
      "--now",
      "2026-03-02T10:05:00+07:00",
    ];
    const withOpen = await cli(...args, "--open-tickets", tmp("open.json", open), tmp("new.json", base));
    expect(
      JSON.parse(withOpen.out).find((d: { rule: string }) => d.rule === "duplicate-suspect")?.message,
    ).toMatch(/KMIAC-1/);
    const without = await cli(...args, tmp("new2.json", base));
    expect(JSON.parse(without.out).some((d: { rule: string }) => d.rule === "duplicate-suspect")).toBe(false);
    const bad = await cli(
      ...args,
      "--open-tickets",
      tmp("bad-open.json", [{ title: 1 }]),
      tmp("new3.json", base),
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/open tickets file/);
  });

  it("gives no role to a reporter the configuration does not name, as the bridge does: 2.1 (designated reporters) still applies", async () => {
    const file = tmp("unnamed-reporter.json", {
      ref: { tracker: "mantis", instance: "sevastopol-mantis", id: "9" },
      title: "Не открывается ЭМК",
      description: "Ошибка 500",
      type: "ЭМК",
      impact: "minor",
      priority: "normal",
      status: "new",
      reporter: { id: "stranger" },
      createdAt: "2026-03-02T10:00:00+03:00",
    });
    const args = [
      "check",
      "--pack",
      "sevastopol-miac",
      "--config",
      "config/reglament.example.yaml",
      "--format",
      "json",
    ];
    const r = await cli(...args, file);
    expect(JSON.parse(r.out).map((d: { rule: string }) => d.rule)).toContain("reporter-allowed");
    // The note in the pack's language; --lang en gives the English one.
    expect(r.err).toMatch(/заметка: у stranger нет роли .* оценено так, как оценил бы мост/);
    const english = await cli(...args, "--lang", "en", file);
    expect(english.err).toMatch(/note: stranger has no role .* judged as the bridge would judge them/);
    const asLine1 = await cli(...args, "--actor-role", "line1", file);
    expect(JSON.parse(asLine1.out).map((d: { rule: string }) => d.rule)).not.toContain("reporter-allowed");
  });

  it("block/normal: a violation setting priority immediate with a comment citing 3.2, exit 1", async () => {
    const r = await cli(
      "check",
      "--pack",
      "sevastopol-miac",
      "--config",
      "config/reglament.example.yaml",
      "--format",
      "json",
      fixture("sevastopol-block-normal.json"),
    );
    expect(r.code).toBe(1);
    const decisions = JSON.parse(r.out);
    const matrix = decisions.find((d: { rule: string }) => d.rule === "impact-priority-matrix");
    expect(Object.keys(matrix)).toEqual(["rule", "pack", "outcome", "message", "citation", "actions"]);
    expect(matrix.outcome).toBe("violation");
    expect(matrix.actions[0]).toEqual({ type: "setField", field: "priority", value: "immediate" });
    expect(matrix.actions[1].type).toBe("comment");
    expect(matrix.actions[1].body).toMatch(/п\. 3\.2/);
  });

  it("major/high: exit 0", async () => {
    const r = await cli(
      "check",
      "--pack",
      "sevastopol-miac",
      "--config",
      "config/reglament.example.yaml",
      fixture("sevastopol-major-high.json"),
    );
    expect(r.out).toBe("замечаний нет\n");
    expect(r.code).toBe(0);
  });

  it("takes a change and an actor role: line 2 may lower, line 1 may not", async () => {
    const change = tmp("lower.json", {
      field: "priority",
      from: "immediate",
      to: "normal",
      actor: { id: "sidorov" },
    });
    const args = [
      "check",
      "--pack",
      "sevastopol-miac",
      "--config",
      "config/reglament.example.yaml",
      "--change",
      change,
    ];
    expect((await cli(...args, "--actor-role", "line2", fixture("sevastopol-block-normal.json"))).code).toBe(
      0,
    );
    expect((await cli(...args, "--actor-role", "line1", fixture("sevastopol-block-normal.json"))).code).toBe(
      1,
    );
  });

  it("prints readable text by default, all of it in the pack's language", async () => {
    const r = await cli(
      "check",
      "--pack",
      "sevastopol-miac",
      "--config",
      "config/reglament.example.yaml",
      fixture("sevastopol-block-normal.json"),
    );
    expect(r.out).toMatch(
      /✗ нарушение \[impact-priority-matrix\] Приоритет «Обычный» не соответствует влиянию «Блокирующий»/,
    );
    expect(r.out).toMatch(/^ {4}основание: «Регламент .*\), п\. 3\.2$/m);
    expect(r.out).toMatch(/→ установить приоритет = "immediate"/);
    expect(r.out).toMatch(/→ комментарий \(публичный\):\n {8}Приоритет «Обычный»/);
    for (const english of ["violation", "citation:", "→ set", "comment (", "public", "section"])
      expect(r.out).not.toContain(english);
  });

  it("--lang en: the outcome, labels, actions, messages and citation in English", async () => {
    const r = await cli(
      "check",
      "--pack",
      "sevastopol-miac",
      "--config",
      "config/reglament.example.yaml",
      "--lang",
      "en",
      fixture("sevastopol-block-normal.json"),
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /✗ violation \[impact-priority-matrix\] Priority "Normal" does not match impact "Block"/,
    );
    expect(r.out).toMatch(/^ {4}citation: "Regulation .*\), section 3\.2$/m);
    expect(r.out).toMatch(/→ set priority = "immediate"/);
    expect(r.out).toMatch(/→ comment \(public\):\n {8}Priority "Normal"/);
    expect(r.out).not.toMatch(/[а-яё]/i);
    // JSON keeps its English keys and carries the messages in the language asked for.
    const json = await cli(
      "check",
      "--pack",
      "sevastopol-miac",
      "--config",
      "config/reglament.example.yaml",
      "--lang",
      "en",
      "--format",
      "json",
      fixture("sevastopol-block-normal.json"),
    );
    expect(JSON.parse(json.out)[0]).toMatchObject({
      outcome: "violation",
      message: expect.stringMatching(/^Priority/),
    });
    expect(
      (await cli("check", "--pack", "aura", "--lang", "de", fixture("sevastopol-block-normal.json"))).err,
    ).toMatch(/--lang.*ru, en/);
  });

  it("English with the pack option language: en", async () => {
    const config = tmp(
      "en.yaml",
      "packs:\n  sevastopol-miac:\n    language: en\n    params: { headOfLine2: petrova }\n",
    );
    const r = await cli(
      "check",
      "--pack",
      "sevastopol-miac",
      "--config",
      config,
      fixture("sevastopol-block-normal.json"),
    );
    expect(r.out).toMatch(/Priority "Normal" does not match impact "Block"/);
    // The configuration's language is the pack's for the words around the messages too.
    expect(r.out).toMatch(/^✗ violation .*\n {4}citation: /);
  });

  it("an unknown pack lists the valid ones, exit 2", async () => {
    const r = await cli("check", "--pack", "sevastopl", fixture("sevastopol-block-normal.json"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/valid packs: aura, e-recipe-by, krasnoyarsk-kmiac, mgerm, sevastopol-miac/);
  });

  it("a ticket that fails the schema names the field and the expected values, exit 2", async () => {
    const bad = tmp("bad.json", {
      ref: { tracker: "mantis", id: 1 },
      title: "x",
      impact: "huge",
      status: "new",
      reporter: { id: "a" },
      createdAt: "2026-01-01T00:00:00Z",
    });
    const r = await cli("check", "--pack", "sevastopol-miac", bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /impact\.value: expected one of "feature", "trivial", "text", "tweak", "minor", "major", "crash", "block", "unknown", found the text "huge"/,
    );
  });

  it("a file that is not JSON, or missing, exit 2", async () => {
    expect((await cli("check", "--pack", "aura", tmp("broken.json", "{nope"))).err).toMatch(/not valid JSON/);
    expect((await cli("check", "--pack", "aura", "/nonexistent.json")).code).toBe(2);
  });

  it("runs as a real process with the documented exit statuses", () => {
    const withConfig = ["--config", "config/reglament.example.yaml"];
    expect(
      cliProcess([
        "check",
        "--pack",
        "sevastopol-miac",
        ...withConfig,
        fixture("sevastopol-block-normal.json"),
      ]).code,
    ).toBe(1);
    // Without the configuration a rule lacks its parameter: an error decision, exit 2.
    const unconfigured = cliProcess([
      "check",
      "--pack",
      "sevastopol-miac",
      fixture("sevastopol-block-normal.json"),
    ]);
    expect(unconfigured.code).toBe(2);
    // Why the rule could not run, in the pack's language too.
    expect(unconfigured.out).toMatch(
      /^! ошибка \[assignee-on-status\] не удалось выполнить правило assignee-on-status: не задан параметр пакета «headOfLine2» \(начальник ОСИС\); укажите packs\.sevastopol-miac\.params\.headOfLine2 в файле конфигурации$/m,
    );
    expect(unconfigured.out).not.toMatch(/error|could not run|is not configured/);
    expect(
      cliProcess([
        "check",
        "--pack",
        "sevastopol-miac",
        "--config",
        "config/reglament.example.yaml",
        fixture("sevastopol-major-high.json"),
      ]).code,
    ).toBe(0);
  });
});
