import { describe, expect, it } from "vitest";
import { withConfiguredRole } from "../../src/config/actors.js";
import { configSchema } from "../../src/config/schema.js";
import { listPackIds } from "../../src/engine/pack-catalogue.js";

describe("names a tracker chooses", () => {
  it("a tracker user named like an object's own property gets no configured role", () => {
    const config = configSchema(listPackIds()).parse({
      trackers: {
        shop: {
          kind: "gitlab",
          baseUrl: "https://gitlab.example",
          token: "t",
          webhookSecret: "s",
          bridgeUser: "bot",
          projects: { support: { pack: "krasnoyarsk-kmiac" } },
        },
      },
      actors: { shop: { ivanov: { role: "line1", line: 1 } } },
    });
    for (const id of ["toString", "constructor", "__proto__", "hasOwnProperty"]) {
      expect(withConfiguredRole(config, "shop", { id })).toEqual({ id });
      expect(withConfiguredRole(config, id, { id: "ivanov" })).toEqual({ id: "ivanov" });
    }
    expect(withConfiguredRole(config, "shop", { id: "ivanov" })).toMatchObject({ role: "line1", line: 1 });
  });
});
