import type nock from "nock";
import type { YandexNormaliser } from "../../adapters/yandex-tracker/normalise.js";
import { YandexOptions } from "../../adapters/yandex-tracker/options.js";

/**
 * Yandex Tracker answers shaped as the API reference documents them (answer-issue.md,
 * get-comments.md, get-changelog.md, get-transitions.md), for the MGERM queue.
 */
export const TRACKER_API = "https://api.tracker.test";
export const ORG = "7700123";

const host = "https://api.tracker.yandex.net";
export const user = (id: string, display: string) => ({ self: `${host}/v2/users/${id}`, id, display });
export const customer = user("1130000011111111", "Клиника №1, регистратура");
export const developer = user("1130000022222222", "Разработчик MGERM");
export const robot = user("1130000099999999", "Reglament");
export const status = (key: string, display: string, id = "1") => ({
  self: `${host}/v2/statuses/${id}`,
  id,
  key,
  display,
});

export function trackerIssue(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    self: `${host}/v2/issues/MGERM-12`,
    id: "593cd211ef7e8a332414f2a7",
    key: "MGERM-12",
    version: 7,
    lastCommentUpdatedAt: "2026-03-10T09:00:00.000+0000",
    summary: "Не сохраняется протокол осмотра",
    updatedBy: developer,
    description: "Логин: doctor1. Шаги: открыть карту 123, нажать «Сохранить».",
    type: { self: `${host}/v2/issuetypes/1`, id: "1", key: "bug", display: "Ошибка" },
    priority: { self: `${host}/v2/priorities/3`, id: "3", key: "normal", display: "Средний" },
    createdAt: "2026-03-02T07:16:01.339+0000",
    followers: [customer],
    createdBy: customer,
    votes: 0,
    assignee: developer,
    queue: { self: `${host}/v2/queues/MGERM`, id: "111", key: "MGERM", display: "MGERM поддержка" },
    updatedAt: "2026-03-10T09:00:00.000+0000",
    status: status("transferToProduction", "Перенос на основную среду", "7"),
    previousStatus: status("errorFound", "Найдена ошибка", "6"),
    favorite: false,
    ...over,
  };
}

export function changelogEntry(
  id: string,
  at: string,
  by: ReturnType<typeof user>,
  type: string,
  fields: { id: string; from: unknown; to: unknown }[],
) {
  return {
    id,
    self: `${host}/v2/issues/MGERM-12/changelog/${id}`,
    issue: {
      self: `${host}/v2/issues/MGERM-12`,
      id: "593cd211ef7e8a332414f2a7",
      key: "MGERM-12",
      display: "…",
    },
    updatedAt: at,
    updatedBy: by,
    type,
    transport: "front",
    fields: fields.map((f) => ({
      field: { self: `${host}/v2/fields/${f.id}`, id: f.id, display: f.id },
      from: f.from,
      to: f.to,
    })),
  };
}

/** Created open by the customer; errorFound → transferToProduction by the developer, skipping the customer's check. */
export const skippedCheck = [
  changelogEntry("c1", "2026-03-02T07:16:01.339+0000", customer, "IssueCreated", [
    { id: "status", from: null, to: status("open", "Открыто") },
  ]),
  changelogEntry("c2", "2026-03-10T09:00:00.000+0000", developer, "IssueWorkflow", [
    {
      id: "status",
      from: status("errorFound", "Найдена ошибка", "6"),
      to: status("transferToProduction", "Перенос на основную среду", "7"),
    },
  ]),
];

export function comment(id: number, text: string, by: ReturnType<typeof user>, at: string) {
  return {
    self: `${host}/v2/issues/MGERM-12/comments/${id}`,
    id,
    longId: `5fa15a24ac894475dd14ff${String(id).padStart(2, "0")}`,
    text,
    createdBy: by,
    updatedBy: by,
    createdAt: at,
    updatedAt: at,
    version: 1,
    type: "standard",
    transport: "internal",
  };
}

export const transitionTo = (id: string, key: string, display: string) => ({
  id,
  self: `${host}/v2/issues/MGERM-12/transitions/${id}`,
  display,
  to: status(key, display),
});

export function yandexNormaliser(options: Record<string, unknown> = { orgId: ORG }): YandexNormaliser {
  return { instance: "mgerm", options: YandexOptions.parse(options) };
}

/**
 * The documented calls that move MGERM-12 back from "transfer to production" to "error
 * found": read the issue, list its transitions, execute the one to errorFound, read the
 * comments (for a replayed comment's marker). The comment's POST is left to the caller.
 */
export function revertToErrorFound(scope: nock.Scope, reads = 1): nock.Scope {
  return scope
    .get("/v2/issues/MGERM-12")
    .times(reads)
    .reply(200, trackerIssue())
    .get("/v2/issues/MGERM-12/transitions")
    .reply(200, [
      transitionTo("backToError", "errorFound", "Найдена ошибка"),
      transitionTo("close", "closed", "Закрыть"),
    ])
    .post("/v2/issues/MGERM-12/transitions/backToError/_execute", {})
    .reply(200, [])
    .get("/v2/issues/MGERM-12/comments")
    .reply(200, []);
}
