import { describe, expect, it } from "vitest";
import {
  basicCredentials,
  parseTrigger,
  verifyTriggerSecret,
} from "../../../adapters/yandex-tracker/trigger.js";
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

describe("the Yandex Tracker trigger's delivery id", () => {
  const deliver = (body: Record<string, unknown>) => {
    const parsed = parseTrigger("mgerm", { headers: {}, rawBody: Buffer.from(JSON.stringify(body)) });
    return parsed.handled ? parsed.events[0]!.deliveryId : undefined;
  };
  // The template of the README: {{issue.version}} is a number, {{userComment.id}} empty without a comment.
  const body = (version: number | string, updatedAt = "2026-03-10T09:00:00.000Z", commentId = "") => ({
    key: "MGERM-12",
    event: "changed",
    actor: "doctor1",
    updatedAt,
    version,
    commentId,
  });

  it("two changes within one second (one rendered instant) get two ids: the version tells them apart", () => {
    const first = deliver(body(8));
    const second = deliver(body(9));
    expect(first).toBe("yandex-MGERM-12-v8-changed");
    expect(second).not.toBe(first);
    expect(deliver(body(9, "2026-03-10T09:00:00Z", "77"))).toBe("yandex-MGERM-12-v9-c77-changed");
  });

  it("a retry of the same request gets the same id, whatever the rendering of the number", () => {
    expect(deliver(body(8))).toBe(deliver(body(8)));
    expect(deliver(body("8"))).toBe(deliver(body(8)));
    expect(deliver(body(" 8 ", "2026-03-10T09:00:00.000Z", " "))).toBe(deliver(body(8)));
  });

  it("a trigger still on the template without the version keeps the key, update time and event", () => {
    const { version: _v, commentId: _c, ...old } = body(8);
    expect(deliver(old)).toBe("yandex-MGERM-12-2026-03-10T09:00:00.000Z-changed");
  });
});
