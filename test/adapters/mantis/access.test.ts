import nock from "nock";
import { describe, expect, it } from "vitest";
import { createMantisAdapter } from "../../../adapters/mantis/adapter.js";
import { MantisClient } from "../../../adapters/mantis/client.js";
import { strictNock } from "../../helpers/bridge-http.js";
import { MANTIS, mantisExchange, mantisNormaliser } from "../../helpers/mantis.js";

const adapter = (projects: string[]) =>
  createMantisAdapter(mantisNormaliser(), new MantisClient("sev", MANTIS, "MANTIS_TOKEN", 2000), {
    projects,
    bridgeUser: "reglament",
  });

strictNock();

describe("MantisBT access check at start-up", () => {
  it("passes when every project answers (recorded GET /projects/1)", async () => {
    nock(MANTIS).get("/api/rest/projects/1").reply(200, mantisExchange("00g-get-project").response);
    await expect(adapter(["1"]).verifyAccess()).resolves.toBeUndefined();
  });

  it("a refused token stops the start naming the token setting", async () => {
    nock(MANTIS).get("/api/rest/projects/1").reply(401, "", { "content-type": "text/html; charset=UTF-8" });
    await expect(adapter(["1"]).verifyAccess()).rejects.toMatchObject({
      code: "REG_TRACKER_ACCESS_DENIED",
      message: expect.stringMatching(
        /tracker instance "sev" cannot be used: the tracker refuses the token .* check trackers\.sev\.token/,
      ),
    });
  });

  it("a project that does not exist stops the start naming the project", async () => {
    nock(MANTIS).get("/api/rest/projects/999").reply(404, { message: "Project '999' doesn't exist" });
    await expect(adapter(["999"]).verifyAccess()).rejects.toMatchObject({
      code: "REG_TRACKER_ACCESS_DENIED",
      message: expect.stringMatching(
        /project "999" does not exist or the bridge's account cannot see it .*fix trackers\.sev\.projects/,
      ),
    });
  });

  it("a tracker that does not answer is not a configuration error", async () => {
    nock(MANTIS).get("/api/rest/projects/1").reply(502, "");
    await expect(adapter(["1"]).verifyAccess()).rejects.toMatchObject({ code: "REG_TRACKER_UNAVAILABLE" });
  });
});
