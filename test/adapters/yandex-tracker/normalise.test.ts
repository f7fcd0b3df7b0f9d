import { describe, expect, it } from "vitest";
import { trackerDate } from "../../../adapters/yandex-tracker/dates.js";
import { ticketFromIssue } from "../../../adapters/yandex-tracker/normalise.js";
import { ChangelogItem, TrackerComment, TrackerIssue } from "../../../adapters/yandex-tracker/payloads.js";
import { comment, customer, skippedCheck, trackerIssue, yandexNormaliser } from "../../helpers/yandex.js";

describe("Yandex Tracker dates", () => {
  it("puts the colon back into +0000 offsets and refuses what is not a Tracker date", () => {
    expect(trackerDate("2017-06-11T05:16:01.339+0000")).toBe("2017-06-11T05:16:01.339+00:00");
    expect(trackerDate("2026-03-02T10:16:01.339+0300")).toBe("2026-03-02T10:16:01.339+03:00");
    expect(trackerDate("07 december 2021")).toBeUndefined();
  });
});

describe("Yandex Tracker issue → ticket", () => {
  it("maps priority and status by key, keeps the display names, reads the changelog into history", () => {
    const n = yandexNormaliser({ orgId: "1", statuses: { transferToProduction: "transferToProduction" } });
    const t = ticketFromIssue(
      n,
      TrackerIssue.parse(trackerIssue()),
      TrackerComment.array().parse([
        comment(1, "Проверьте, пожалуйста", customer, "2026-03-03T08:00:00.000+0000"),
      ]),
      ChangelogItem.array().parse(skippedCheck),
    );
    expect(t).toMatchObject({
      ref: {
        tracker: "yandex",
        instance: "mgerm",
        project: "MGERM",
        id: "MGERM-12",
        url: "https://tracker.yandex.ru/MGERM-12",
      },
      type: { value: "bug", label: "Ошибка" },
      priority: { value: "normal", native: "normal", label: "Средний" },
      status: {
        value: "transferToProduction",
        native: "transferToProduction",
        label: "Перенос на основную среду",
      },
      reporter: { id: "1130000011111111", name: "Клиника №1, регистратура" },
      assignee: { id: "1130000022222222" },
      createdAt: "2026-03-02T07:16:01.339+00:00",
      comments: [{ id: "1", body: "Проверьте, пожалуйста", createdAt: "2026-03-03T08:00:00.000+00:00" }],
    });
    expect(t.history.at(-1)).toEqual({
      field: "status",
      from: "errorFound",
      to: "transferToProduction",
      by: { id: "1130000022222222", name: "Разработчик MGERM" },
      at: "2026-03-10T09:00:00.000+00:00",
    });
  });

  it("maps a queue's own status key to the pack's name when configured", () => {
    const n = yandexNormaliser({ orgId: "1", statuses: { needInfoClient: "needInfo" } });
    const t = ticketFromIssue(
      n,
      TrackerIssue.parse(
        trackerIssue({ status: { id: "9", key: "needInfoClient", display: "Нужна информация" } }),
      ),
    );
    expect(t.status).toEqual({ value: "needInfo", native: "needInfoClient", label: "Нужна информация" });
  });
});

describe("Yandex Tracker local (queue) fields", () => {
  it("keeps `<id>--<key>` fields in custom under their key, the whole id where the key is taken; names them so in history", () => {
    const n = yandexNormaliser({ orgId: "1" });
    const issue = TrackerIssue.parse(
      trackerIssue({
        // As get-local-fields.md names a local field: "6054ae3a2b6b2c7f80bb9a93--loc_field_key".
        "6054ae3a2b6b2c7f80bb9a93--supportLine": "Вторая линия",
        "6054ae3a2b6b2c7f80bb9a93--clinic": { self: "…", id: "42", key: "clinic1", display: "Клиника №1" },
        "6054ae3a2b6b2c7f80bb9a93--followers": ["a", "b"],
        "6054ae3a2b6b2c7f80bb9a93--empty": null,
      }),
    );
    const changed = ChangelogItem.array().parse([
      {
        id: "c9",
        updatedAt: "2026-03-10T09:00:00.000+0000",
        updatedBy: customer,
        type: "IssueUpdated",
        fields: [
          {
            field: { id: "6054ae3a2b6b2c7f80bb9a93--supportLine" },
            from: "Первая линия",
            to: "Вторая линия",
          },
        ],
      },
    ]);
    const t = ticketFromIssue(n, issue, [], changed);
    expect(t.custom).toEqual({
      supportLine: "Вторая линия",
      clinic: "clinic1",
      "6054ae3a2b6b2c7f80bb9a93--followers": ["a", "b"],
      followers: ["1130000011111111"],
      version: 7,
    });
    expect(t.history).toEqual([
      expect.objectContaining({ field: "supportLine", from: "Первая линия", to: "Вторая линия" }),
    ]);
  });
});
