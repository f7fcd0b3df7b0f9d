import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { listPackIds } from "../../src/engine/pack-catalogue.js";
import type { ReglamentError } from "../../src/errors/catalogue.js";
import { loadDeploymentPacks, packsInUse } from "../../src/runtime/deployment-packs.js";
import { calendarFor } from "../../src/sla/pack-sla.js";
import { ticket } from "../helpers/tickets.js";

const parse = (input: unknown) => configSchema(listPackIds()).parse(input);
const tracker = (pack: string) => ({
  kind: "gitlab",
  baseUrl: "https://g",
  token: "t",
  bridgeUser: "bot",
  projects: { "a/b": { pack } },
});

describe("loadDeploymentPacks", () => {
  it("loads every pack the configuration uses, with its calendar", () => {
    const config = parse({ trackers: { g: tracker("e-recipe-by") }, packs: { aura: { mode: "enforce" } } });
    expect(packsInUse(config)).toEqual(["aura", "e-recipe-by"]);
    const packs = loadDeploymentPacks(config, "/tmp/reglament.yaml");
    expect(packs.get("aura")?.pack.mode).toBe("enforce");
    expect(packs.get("e-recipe-by")?.time.calendar.zone).toBe("Europe/Minsk");
  });

  it("reports the problems of every pack at once", () => {
    const config = parse({
      packs: {
        "sevastopol-miac": { rules: { "impact-priority-matrix": { mode: "fix" } } },
        mgerm: { rules: { "no-such-rule": {} } },
      },
    });
    try {
      loadDeploymentPacks(config, "/tmp/reglament.yaml");
      throw new Error("accepted");
    } catch (err) {
      const text = (err as ReglamentError).details.join("\n");
      expect((err as ReglamentError).message).toBe("2 packs of the configuration cannot be loaded");
      expect(text).toMatch(/rule impact-priority-matrix \(pack \+ config\) option/);
      expect(text).toMatch(/packs\.mgerm\.rules\.no-such-rule/);
    }
  });

  it("applies the deployment's extra days off to the pack's calendar", () => {
    const config = parse({ packs: { "krasnoyarsk-kmiac": { calendar: { extraDaysOff: ["2026-03-02"] } } } });
    const { calendar } = loadDeploymentPacks(config, "/tmp/reglament.yaml").get("krasnoyarsk-kmiac")!.time;
    expect(calendar.isWorkingTime(calendar.parse("2026-03-02T10:00:00+07:00"))).toBe(false);
  });

  it("gives a customer's tickets the customer's own calendar", () => {
    const config = parse({
      packs: { "krasnoyarsk-kmiac": { customerCalendars: { "clinic-7": { extraDaysOff: ["2026-03-03"] } } } },
    });
    const { time } = loadDeploymentPacks(config, "/tmp/reglament.yaml").get("krasnoyarsk-kmiac")!;
    const tuesday = time.calendar.parse("2026-03-03T10:00:00+07:00");
    const of = (project?: string) =>
      calendarFor(time, ticket({ ref: { tracker: "yandex", id: "1", ...(project ? { project } : {}) } }));
    expect(of("clinic-7").isWorkingTime(tuesday)).toBe(false);
    expect(of("clinic-8").isWorkingTime(tuesday)).toBe(true);
    expect(of().isWorkingTime(tuesday)).toBe(true);
  });
});
