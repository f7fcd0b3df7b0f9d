import nock from "nock";
import { describe, expect, it } from "vitest";
import { createYandexAdapter } from "../../../adapters/yandex-tracker/adapter.js";
import { YandexClient } from "../../../adapters/yandex-tracker/client.js";
import type { TicketRef } from "../../../src/domain/ticket.js";
import { strictNock } from "../../helpers/bridge-http.js";
import { ORG, robot, status, TRACKER_API, trackerIssue, yandexNormaliser } from "../../helpers/yandex.js";

/**
 * Closing transitions whose screen requires a resolution (new-transition.md: the answer
 * lists transitions with their `screen`; the official client closes with
 * `transition.execute(comment=…, resolution='fixed')` and reads a screen's elements with
 * `field`, `required`, `defaultValue`), and the version conflicts the API documents
 * beside each other (409 and 412: "a conflict when editing the object … an invalid
 * update version").
 */
const host = "https://api.tracker.yandex.net";
const SCREEN = "50c85b17e4b04b3800000001";
const ref: TicketRef = { tracker: "yandex", instance: "mgerm", project: "MGERM", id: "MGERM-12" };
const path = "/v2/issues/MGERM-12";
const close = {
  self: `${host}${path}/transitions/close`,
  id: "close",
  display: "Закрыть",
  to: status("closed", "Закрыт", "3"),
  screen: { self: `${host}/v2/screens/${SCREEN}`, id: SCREEN },
};
const resolutionElement = {
  self: `${host}/v2/screens/${SCREEN}/elements/resolution`,
  field: { self: `${host}/v2/fields/resolution`, id: "resolution", display: "Резолюция" },
  required: true,
};

function adapterWith(options: Record<string, unknown> = {}) {
  const n = yandexNormaliser({ orgId: ORG, ...options });
  return createYandexAdapter(n, new YandexClient("mgerm", TRACKER_API, "y0_token", n.options), {
    queues: ["MGERM"],
    bridgeUser: robot.id,
  });
}
const api = () => nock(TRACKER_API, { reqheaders: { authorization: "OAuth y0_token", "x-org-id": ORG } });
const closing = [{ type: "transition" as const, status: "closed" }];

strictNock();

describe("Yandex Tracker: a closing transition that requires a resolution", () => {
  it("carries the resolution options.resolutions names for the status", async () => {
    api()
      .get(path)
      .reply(200, trackerIssue())
      .get(`${path}/transitions`)
      .reply(200, [close])
      .get(`/v2/screens/${SCREEN}/elements`)
      .reply(200, [resolutionElement])
      .post(`${path}/transitions/close/_execute`, { resolution: "fixed" })
      .reply(200, []);
    const result = await adapterWith({ resolutions: { closed: "fixed" } }).applyActions(ref, closing, {
      marker: "m",
    });
    expect(result.applied).toEqual(closing);
  });

  it("a required field nothing fills is refused before the request, naming the field and the option", async () => {
    api()
      .get(path)
      .reply(200, trackerIssue())
      .get(`${path}/transitions`)
      .reply(200, [close])
      .get(`/v2/screens/${SCREEN}/elements`)
      .reply(200, [resolutionElement, { field: { id: "spent" }, required: true, defaultValue: "PT0S" }]);
    await expect(adapterWith().applyActions(ref, closing, { marker: "m" })).rejects.toMatchObject({
      retryable: false,
      conflict: false,
      message: expect.stringMatching(
        /the transition "Закрыть" to "closed" requires «Резолюция» \(resolution\), which the bridge has no value for; set trackers\.mgerm\.options\.resolutions\.closed$/,
      ),
    });
  });

  it("a 422 naming fields (the screen unreadable) is a refusal naming the options, not a retry", async () => {
    api()
      .get(path)
      .reply(200, trackerIssue())
      .get(`${path}/transitions`)
      .reply(200, [close])
      .get(`/v2/screens/${SCREEN}/elements`)
      .reply(404, { errorMessages: ["Not found"], errors: {}, statusCode: 404 })
      .post(`${path}/transitions/close/_execute`, {})
      .reply(422, { errorMessages: [], errors: { resolution: "Обязательное поле" }, statusCode: 422 });
    await expect(adapterWith().applyActions(ref, closing, { marker: "m" })).rejects.toMatchObject({
      retryable: false,
      status: 422,
      message: expect.stringMatching(
        /Tracker refused the transition "Закрыть" to "closed": resolution: Обязательное поле; the fields it names are filled from trackers\.mgerm\.options\.resolutions\.closed/,
      ),
    });
  });

  it("a resolution configured by the pack's status name, and other screen fields from options.transitionFields", async () => {
    api()
      .get(path)
      .reply(200, trackerIssue())
      .get(`${path}/transitions`)
      .reply(200, [{ ...close, id: "resolve", to: status("resolvedKey", "Решён", "5") }])
      .get(`/v2/screens/${SCREEN}/elements`)
      .reply(200, [resolutionElement, { field: { id: "cause" }, required: true }])
      .post(`${path}/transitions/resolve/_execute`, { cause: "config", resolution: "fixed" })
      .reply(200, []);
    const adapter = adapterWith({
      statuses: { resolvedKey: "resolved" },
      resolutions: { resolved: "fixed" },
      transitionFields: { resolved: { cause: "config" } },
    });
    const result = await adapter.applyActions(ref, [{ type: "transition", status: "resolved" }], {
      marker: "m",
    });
    expect(result.applied).toHaveLength(1);
  });
});

describe("Yandex Tracker: 412 is a version conflict, as 409 is", () => {
  it("a 412 on the PATCH is 'changed meanwhile': a conflict to decide again, not a refusal", async () => {
    api()
      .get(path)
      .reply(200, trackerIssue())
      .patch(path)
      .query({ version: "7" })
      .reply(412, { errorMessages: ["Precondition failed"], errors: {}, statusCode: 412 });
    await expect(
      adapterWith().applyActions(ref, [{ type: "setField", field: "priority", value: "urgent" }], {
        marker: "m",
      }),
    ).rejects.toMatchObject({ conflict: true, retryable: false, status: 412 });
  });

  it("so is a 412 on a transition", async () => {
    api()
      .get(path)
      .reply(200, trackerIssue())
      .get(`${path}/transitions`)
      .reply(200, [{ ...close, screen: undefined }])
      .post(`${path}/transitions/close/_execute`)
      .reply(412, { errorMessages: ["Version conflict"], errors: {}, statusCode: 412 });
    await expect(adapterWith().applyActions(ref, closing, { marker: "m" })).rejects.toMatchObject({
      conflict: true,
      status: 412,
    });
  });
});
