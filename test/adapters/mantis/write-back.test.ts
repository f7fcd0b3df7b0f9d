import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMantisAdapter } from "../../../adapters/mantis/adapter.js";
import { MantisClient } from "../../../adapters/mantis/client.js";
import type { Action } from "../../../src/domain/action.js";
import type { TicketRef } from "../../../src/domain/ticket.js";
import { strictNock } from "../../helpers/bridge-http.js";
import { MANTIS, mantisExchange, mantisIssue, mantisNormaliser } from "../../helpers/mantis.js";

const adapter = createMantisAdapter(
  mantisNormaliser(),
  new MantisClient("sev", MANTIS, "MANTIS_TOKEN", 2000),
  {
    projects: ["1"],
    bridgeUser: "reglament",
  },
);
const ref = (id: number): TicketRef => ({ tracker: "mantis", instance: "sev", project: "1", id: String(id) });
const etag = mantisExchange("14-get-issue").headers.ETag!;
/** Issue 1 as recorded: severity feature with priority immediate, the inconsistent pair. */
const issue1 = () => ({ issues: [mantisIssue("01-create-issue-feature-immediate")] });

strictNock();

describe("MantisBT write-back (recorded request and response shapes)", () => {
  it("writes enums by id in one PATCH with If-Match, then the note with its marker", async () => {
    nock(MANTIS, { reqheaders: { authorization: "MANTIS_TOKEN" } })
      .get("/api/rest/issues/1")
      .reply(200, issue1(), { etag })
      .patch("/api/rest/issues/1", { priority: { id: 10 }, status: { id: 20 }, handler: { id: 1 } })
      .matchHeader("if-match", etag)
      .reply(200, mantisExchange("06-patch-priority").response)
      .post("/api/rest/issues/1/notes", {
        text: "Приоритет исправлен.\n\n[reglament:abc/3]",
        view_state: { name: "public" },
      })
      .reply(201, mantisExchange("07-add-note").response);
    const actions: Action[] = [
      { type: "setField", field: "priority", value: "none" },
      { type: "transition", status: "feedback" },
      { type: "assign", to: "administrator" },
      { type: "comment", body: "Приоритет исправлен.", public: true },
    ];
    const result = await adapter.applyActions(ref(1), actions, { marker: "reglament:abc" });
    expect(result.applied).toHaveLength(4);
  });

  it("a replay finds the values set and the note posted, and writes nothing", async () => {
    const done = mantisIssue("01-create-issue-feature-immediate");
    done.priority = { id: 10, name: "none", label: "нет" };
    done.notes = [
      {
        id: 9,
        reporter: { id: 5, name: "reglament" },
        text: "Приоритет исправлен.\n\n[reglament:abc/1]",
        view_state: { id: 10, name: "public", label: "публичная" },
        created_at: "2026-11-24T08:00:00+03:00",
      },
    ];
    nock(MANTIS)
      .get("/api/rest/issues/1")
      .reply(200, { issues: [done] });
    const result = await adapter.applyActions(
      ref(1),
      [
        { type: "setField", field: "priority", value: "none" },
        { type: "comment", body: "Приоритет исправлен.", public: true },
      ],
      { marker: "reglament:abc" },
    );
    expect(result).toMatchObject({ applied: [], skipped: [{ type: "setField" }, { type: "comment" }] });
  });

  it("sets the line through the custom field, tags and untags, and posts private notes", async () => {
    const tagged = mantisIssue("19-get-issue-escalated");
    tagged.tags = [{ id: 7, name: "на-контроле" }];
    nock(MANTIS)
      .get("/api/rest/issues/3")
      .reply(200, { issues: [tagged] })
      .patch("/api/rest/issues/3", { custom_fields: [{ field: { name: "Линия поддержки" }, value: "1" }] })
      .reply(200, { issues: [tagged] })
      .post("/api/rest/issues/3/tags", { tags: [{ name: "нужен-приоритет" }] })
      .reply(201, {})
      .delete("/api/rest/issues/3/tags/7")
      .reply(200, {})
      .post("/api/rest/issues/3/notes", (b) => b.view_state.name === "private")
      .reply(201, mantisExchange("08b-add-private-note").response);
    const result = await adapter.applyActions(
      ref(3),
      [
        { type: "setField", field: "line", value: 1 },
        { type: "addLabel", label: "нужен-приоритет" },
        { type: "removeLabel", label: "на-контроле" },
        { type: "comment", body: "Для ОСИС", public: false },
      ],
      { marker: "m" },
    );
    expect(result.applied).toHaveLength(4);
  });

  it("refuses what would be stored wrong: an unknown enum value, a user whose id is not known", async () => {
    nock(MANTIS).get("/api/rest/issues/1").times(2).reply(200, issue1());
    await expect(
      adapter.applyActions(ref(1), [{ type: "setField", field: "impact", value: "catastrophic" }], {
        marker: "m",
      }),
    ).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(
        /"catastrophic" is not a severity of this MantisBT .*options\.enums\.severity/,
      ),
    });
    await expect(
      adapter.applyActions(ref(1), [{ type: "assign", to: "nobody" }], { marker: "m" }),
    ).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/id of user "nobody" is not known; add it to options\.userIds/),
    });
  });
});

describe("MantisBT errors", () => {
  it("401 with an empty body (recorded E01) is permanent; 404 with JSON (E03) carries MantisBT's message", async () => {
    nock(MANTIS).get("/api/rest/issues/1").reply(401, "", { "content-type": "text/html; charset=UTF-8" });
    await expect(adapter.fetchTicket(ref(1))).rejects.toMatchObject({ retryable: false, status: 401 });
    nock(MANTIS)
      .get("/api/rest/issues/99999")
      .reply(404, mantisExchange("E03-error-unknown-issue-get").response);
    await expect(adapter.fetchTicket(ref(99999))).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/HTTP 404: Issue #99999 not found/),
    });
  });

  it("412 (changed by someone meanwhile) is a conflict to decide again; 5xx is retried", async () => {
    nock(MANTIS)
      .get("/api/rest/issues/1")
      .reply(200, issue1(), { etag })
      .patch("/api/rest/issues/1")
      .reply(412, "");
    await expect(
      adapter.applyActions(ref(1), [{ type: "setField", field: "priority", value: "none" }], { marker: "m" }),
    ).rejects.toMatchObject({
      conflict: true,
      retryable: false,
      status: 412,
      message: expect.stringMatching(/changed by someone else meanwhile; it is re-read and decided again/),
    });
    nock(MANTIS).get("/api/rest/issues/1").reply(503, "", { "retry-after": "3" });
    await expect(adapter.fetchTicket(ref(1))).rejects.toMatchObject({ retryable: true, retryAfterMs: 3000 });
  });
});

describe("MantisBT reason phrases (a real HTTP server, as MantisBT sends them)", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    nock.enableNetConnect("127.0.0.1");
    server = createServer((req, res) => {
      // Raw UTF-8 in the status line, as recorded in E15; an empty body, as in E09.
      res.writeHead(
        req.url?.includes("issues/1") ? 400 : 404,
        Buffer.from(
          req.url?.includes("issues/1")
            ? "Invalid value for custom field 'Линия поддержки'"
            : "Project '999' doesn't exist",
          "utf8",
        ).toString("latin1"),
        { "content-type": "text/html; charset=UTF-8", "content-length": "0" },
      );
      res.end();
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((ok) => server.close(ok));
    nock.disableNetConnect();
  });

  it("reads the message from the reason phrase when the body is empty, UTF-8 intact", async () => {
    const client = new MantisClient("sev", base, "t", 2000);
    await expect(client.request("list project 999", { method: "GET", url: "/issues" })).rejects.toMatchObject(
      {
        status: 404,
        message: expect.stringMatching(/HTTP 404: Project '999' doesn't exist/),
      },
    );
    await expect(
      client.request("update issue 1", { method: "PATCH", url: "/issues/1", data: {} }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/Invalid value for custom field 'Линия поддержки'/),
    });
  });
});
