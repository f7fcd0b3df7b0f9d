import { describe, expect, it } from "vitest";
import { gitlabDate } from "../../../adapters/gitlab/dates.js";

describe("GitLab dates", () => {
  it("reads both formats GitLab sends into ISO 8601 with an offset", () => {
    expect(gitlabDate("2013-12-03T17:15:43Z")).toBe("2013-12-03T17:15:43Z");
    expect(gitlabDate("2016-01-04T15:31:51.081Z")).toBe("2016-01-04T15:31:51.081Z");
    expect(gitlabDate("2015-05-17 17:06:40 UTC")).toBe("2015-05-17T17:06:40Z");
    expect(gitlabDate("2026-03-03T10:15:43+03:00")).toBe("2026-03-03T10:15:43+03:00");
  });

  it("refuses anything else rather than guessing a zone", () => {
    expect(gitlabDate("2015-05-17 17:06:40")).toBeUndefined();
    expect(gitlabDate("17.05.2015")).toBeUndefined();
    expect(gitlabDate("2015-13-45T00:00:00Z")).toBeUndefined();
  });
});
