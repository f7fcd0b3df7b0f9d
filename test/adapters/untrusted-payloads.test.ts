import { describe, expect, it } from "vitest";
import { createNormaliser } from "../../adapters/gitlab/normalise.js";
import { GitlabOptions } from "../../adapters/gitlab/options.js";
import { parseGitlabWebhook } from "../../adapters/gitlab/webhook.js";
import { ticketFromIssue as mantisTicket } from "../../adapters/mantis/normalise.js";
import { MantisIssue } from "../../adapters/mantis/payloads.js";
import { ticketFromIssue as yandexTicket } from "../../adapters/yandex-tracker/normalise.js";
import { ChangelogItem, TrackerIssue } from "../../adapters/yandex-tracker/payloads.js";
import type { Ticket } from "../../src/domain/ticket.js";
import {
  erecipeOptions,
  gitlabDelivery,
  gitlabFixture,
  gitlabNormaliser,
  type HookJson,
  SUPPORT,
} from "../helpers/gitlab.js";
import { mantisIssue, mantisNormaliser } from "../helpers/mantis.js";
import { changelogEntry, customer, status, trackerIssue, yandexNormaliser } from "../helpers/yandex.js";

/** Names every JavaScript object has by inheritance: a tracker can send any of them. */
const inherited = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"];

function hookTicket(n: ReturnType<typeof gitlabNormaliser>, edit: (hook: HookJson) => void): Ticket {
  const hook = gitlabFixture<HookJson>("issue-hook-open-two-priorities.json");
  edit(hook);
  const parsed = parseGitlabWebhook(n, gitlabDelivery(hook, "Issue Hook"));
  if (!parsed.handled || !parsed.events[0]!.ticket) throw new Error("no ticket");
  return parsed.events[0]!.ticket;
}

describe("GitLab", () => {
  const withBase = createNormaliser(
    "erecipe",
    GitlabOptions.parse(erecipeOptions),
    [SUPPORT],
    "https://gitlab.example.by/",
  );

  it("builds the issue's link under the configured GitLab, whatever the hook's url says", () => {
    for (const url of ["javascript:alert(document.cookie)", "https://evil.example/phish"]) {
      const t = hookTicket(withBase, (h) => {
        h.object_attributes.url = url;
      });
      expect(t.ref.url).toBe(`https://gitlab.example.by/${SUPPORT}/-/issues/23`);
    }
  });

  it("without a configured GitLab (a file read), keeps the hook's url only when it is http(s)", () => {
    const n = gitlabNormaliser();
    expect(hookTicket(n, (h) => (h.object_attributes.url = "javascript:alert(1)")).ref.url).toBeUndefined();
    expect(
      hookTicket(n, (h) => (h.object_attributes.url = "https://gitlab.com/a/b/-/issues/23")).ref.url,
    ).toBe("https://gitlab.com/a/b/-/issues/23");
  });

  it("a label named as an inherited member means no priority, impact, line or type", () => {
    const n = gitlabNormaliser();
    for (const label of inherited) {
      expect(n.mapping.read("priority", [label]), label).toBeUndefined();
      expect(n.mapping.read("line", [label]), label).toBeUndefined();
      const t = hookTicket(n, (h) => {
        h.labels = [{ ...(h.labels[0] as object), title: label }];
        h.object_attributes.labels = h.labels;
      });
      expect(t.priority, label).toBeUndefined();
      expect(t.line, label).toBeUndefined();
      expect(t.type, label).toBeUndefined();
    }
    // Nor is such a label one of the field's own to remove when the priority is written.
    expect(n.mapping.write("priority", "high", ["constructor", "Priority: Low"])).toEqual({
      add: ["Priority: High"],
      remove: ["Priority: Low"],
    });
  });
});

describe("Yandex Tracker", () => {
  const n = yandexNormaliser({ orgId: "1", statuses: { open: "new" } });

  it("a priority key named as an inherited member reads as unknown; a status key stays itself", () => {
    for (const key of inherited) {
      const t = yandexTicket(
        n,
        TrackerIssue.parse(
          trackerIssue({
            priority: { self: "https://api.tracker.yandex.net/v2/priorities/9", id: "9", key, display: key },
            status: status(key, key),
          }),
        ),
      );
      expect(t.priority, key).toEqual({ value: "unknown", native: key, label: key });
      expect(t.status.value, key).toBe(key);
    }
  });

  it("the changelog's fields and values named so are read as they are", () => {
    const t = yandexTicket(
      n,
      TrackerIssue.parse(trackerIssue()),
      [],
      ChangelogItem.array().parse([
        changelogEntry("c1", "2026-03-02T07:16:01.339+0000", customer, "IssueUpdated", [
          { id: "constructor", from: null, to: "x" },
          { id: "priority", from: null, to: { key: "toString", display: "toString" } },
        ]),
      ]),
    );
    expect(t.history.map((h) => [h.field, h.to])).toEqual([
      ["constructor", "x"],
      ["priority", "unknown"],
    ]);
  });

  it("links the issue under the configured web address, its key one path segment", () => {
    const t = yandexTicket(n, TrackerIssue.parse(trackerIssue({ key: "MGERM-12" })));
    expect(t.ref.url).toBe("https://tracker.yandex.ru/MGERM-12");
    const odd = yandexTicket(n, TrackerIssue.parse(trackerIssue({ key: "../../evil?x=1#y" })));
    expect(new URL(odd.ref.url!).origin).toBe("https://tracker.yandex.ru");
    expect(odd.ref.url).toBe("https://tracker.yandex.ru/..%2F..%2Fevil%3Fx%3D1%23y");
    const hostile = yandexNormaliser({ orgId: "1", webUrl: "javascript:alert(1)//" });
    expect(yandexTicket(hostile, TrackerIssue.parse(trackerIssue())).ref.url).toBeUndefined();
  });
});

describe("MantisBT", () => {
  it("links the issue only under an http(s) MantisBT, without the credentials its base may carry", () => {
    const issue = () => MantisIssue.parse(mantisIssue("19-get-issue-escalated"));
    const withCredentials = { ...mantisNormaliser(), baseUrl: "https://admin:secret@mantis.test/" };
    expect(mantisTicket(withCredentials, issue()).ref.url).toBe("https://mantis.test/view.php?id=3");
    const hostile = { ...mantisNormaliser(), baseUrl: "javascript:alert(1)//" };
    expect(mantisTicket(hostile, issue()).ref.url).toBeUndefined();
  });

  it("a history field named as an inherited member keeps its own name", () => {
    const raw = mantisIssue("19-get-issue-escalated");
    raw.history = [
      {
        created_at: "2026-11-24T07:59:04+03:00",
        user: { id: 1, name: "administrator" },
        type: { id: 2, name: "field-updated" },
        field: { name: "constructor", label: "constructor" },
        old_value: "a",
        new_value: "b",
        message: "",
      },
    ];
    const t = mantisTicket(mantisNormaliser(), MantisIssue.parse(raw));
    expect(t.history).toEqual([
      {
        field: "constructor",
        from: "a",
        to: "b",
        by: { id: "administrator" },
        at: "2026-11-24T07:59:04+03:00",
      },
    ]);
  });
});
