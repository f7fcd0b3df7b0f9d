import { describe, expect, it } from "vitest";
import { requestForLog } from "../../src/server/logger.js";

describe("request log lines", () => {
  it("never carry a launch code or a token given in the query", () => {
    const shown = (url: string) => requestForLog({ method: "GET", url, host: "h", ip: "127.0.0.1" }).url;
    expect(shown("/console/launch?key=abcDEF_-123")).toBe("/console/launch?key=[redacted]");
    expect(shown("/x?lang=en&token=t0k&KEY=k&next=/console")).toBe(
      "/x?lang=en&token=[redacted]&KEY=[redacted]&next=/console",
    );
    expect(shown("/console?monkey=1")).toBe("/console?monkey=1");
  });
});
