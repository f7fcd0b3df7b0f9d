import { describe, expect, it } from "vitest";
import { basicCredentials, verifyTriggerSecret } from "../../../adapters/yandex-tracker/trigger.js";
import { isLinear } from "../../../src/text/linear.js";

const req = (authorization: string) => ({ headers: { authorization }, rawBody: Buffer.alloc(0) });

describe("the Yandex Tracker trigger's Basic credentials", () => {
  it("answers on RE2 for a 100 KB Authorization header of spaces", () => {
    expect(isLinear(basicCredentials)).toBe(true);
    expect(() =>
      verifyTriggerSecret("mgerm", "s3cret", "x-reglament-secret", req(`Basic ${" ".repeat(100_000)}`)),
    ).toThrow(expect.objectContaining({ httpStatus: 401 }));
    expect(() =>
      verifyTriggerSecret("mgerm", "s3cret", "x-reglament-secret", req(`Basic ${"\t ".repeat(50_000)}x`)),
    ).toThrow(expect.objectContaining({ httpStatus: 401 }));
  });

  it("reads the password after any white space, in any case of «Basic»", () => {
    const encoded = Buffer.from("tracker:s3cret").toString("base64");
    expect(() =>
      verifyTriggerSecret("mgerm", "s3cret", "x-reglament-secret", req(`basic  ${encoded}`)),
    ).not.toThrow();
  });
});
