import { describe, expect, it } from "vitest";
import { type Lang, translator } from "../../src/console/i18n.js";
import type { PageContext } from "../../src/console/layout.js";
import { activityPage } from "../../src/console/pages/activity-page.js";
import { ticketPage } from "../../src/console/pages/ticket-page.js";
import type { Action } from "../../src/domain/action.js";
import type { StoredDecision } from "../../src/history/store.js";

const AT = "2026-03-02T10:00:00+03:00";
const actions: Action[] = [
  { type: "setField", field: "priority", value: "immediate" },
  { type: "comment", body: "Приоритет исправлен", public: true },
];
const decision = {
  rule: "impact-priority-matrix",
  pack: "sevastopol-miac",
  outcome: "violation" as const,
  message: "Приоритет «Обычный» не соответствует влиянию «Блокирующий»",
  citation: "п. 3.2",
  actions,
  alerts: [],
};
const stored: StoredDecision = {
  ...decision,
  at: AT,
  instance: "sev",
  project: null,
  ticket: "7",
  mode: "enforce",
  deliveryId: "d1",
  writeback: "queued",
  conflict: null,
};

const ctx = (lang: Lang): PageContext => ({
  t: translator(lang),
  lang,
  who: { name: "viewer", role: "viewer" },
  url: "/console",
  now: Date.parse(AT),
  zone: "Europe/Moscow",
});

/** The console says what a decision does in the reader's language, as it says everything else. */
describe("the console's action descriptions", () => {
  const pages = (lang: Lang) => [
    ticketPage(
      ctx(lang),
      {
        key: "sev/7",
        clocks: { problem: "—" },
        log: [
          {
            type: "decisions",
            at: AT,
            deliveryId: "d1",
            pack: "sevastopol-miac",
            mode: "enforce",
            decisions: [decision],
            writeback: "queued",
          },
        ],
        retries: [],
        alerts: [],
        older: [{ ...stored, deliveryId: "d0" }],
      },
      true,
    ),
    activityPage(
      ctx(lang),
      { filter: {}, packs: [{ id: "sevastopol-miac", mode: "enforce" }], page: { decisions: [stored] } },
      true,
    ),
  ];

  it("in Russian for a Russian reader", () => {
    for (const page of pages("ru")) {
      expect(page).toContain(
        "установить приоритет = &quot;immediate&quot;<br>комментарий: Приоритет исправлен",
      );
      expect(page).not.toMatch(/set priority|comment:/);
    }
  });

  it("in English for an English reader", () => {
    for (const page of pages("en"))
      expect(page).toContain("set priority = &quot;immediate&quot;<br>comment: Приоритет исправлен");
  });
});
