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
