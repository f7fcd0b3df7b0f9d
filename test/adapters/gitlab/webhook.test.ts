import { describe, expect, it } from "vitest";
import { parseGitlabWebhook, verifyGitlabToken } from "../../../adapters/gitlab/webhook.js";
import { isReglamentError } from "../../../src/errors/catalogue.js";
import { gitlabDelivery, gitlabFixture, gitlabNormaliser } from "../../helpers/gitlab.js";

const n = gitlabNormaliser();
const openHook = () => gitlabFixture("issue-hook-open-two-priorities.json");

function refusal(run: () => unknown): { status: number; message: string } {
  try {
    run();
  } catch (err) {
    if (isReglamentError(err)) return { status: err.httpStatus, message: err.message };
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("GitLab webhook token", () => {
  it("accepts the configured secret", () => {
    expect(() => verifyGitlabToken("erecipe", "s3cret", gitlabDelivery({}, "Issue Hook"))).not.toThrow();
  });

  it("refuses a wrong or missing X-Gitlab-Token with 401 naming the header", () => {
    const wrong = refusal(() =>
      verifyGitlabToken(
        "erecipe",
        "s3cret",
        gitlabDelivery({}, "Issue Hook", { "x-gitlab-token": "s3creT" }),
      ),
    );
    expect(wrong).toEqual({
      status: 401,
      message: expect.stringMatching(/X-Gitlab-Token .* does not match/),
    });
    const missing = refusal(() =>
      verifyGitlabToken("erecipe", "s3cret", { headers: {}, rawBody: Buffer.from("{}") }),
    );
    expect(missing.message).toMatch(/X-Gitlab-Token header is missing/);
  });

  it("refuses every delivery when the instance has no webhookSecret", () => {
    expect(
      refusal(() => verifyGitlabToken("erecipe", undefined, gitlabDelivery({}, "Issue Hook"))).status,
    ).toBe(401);
  });
});

describe("GitLab Issue Hook", () => {
  it("reads an opened issue into a creation with the full ticket, priority from the highest label", () => {
    const parsed = parseGitlabWebhook(
      n,
      gitlabDelivery(openHook(), "Issue Hook", { "idempotency-key": "7b1f0c3e-aaaa" }),
    );
    expect(parsed.handled).toBe(true);
    if (!parsed.handled) return;
    const [event] = parsed.events;
    expect(event!.deliveryId).toBe("gitlab-7b1f0c3e-aaaa");
    expect(event!.ref).toEqual({
      tracker: "gitlab",
      instance: "erecipe",
      project: "FHIR-BY/ehr.platform.support",
      id: "FHIR-BY/ehr.platform.support#23",
      url: "https://gitlab.com/FHIR-BY/ehr.platform.support/-/issues/23",
    });
    expect(event!.change).toEqual({
      kind: "created",
      actor: { id: "operator1", name: "Оператор Первый" },
      at: "2026-03-03T07:15:43Z",
      fields: [],
    });
    expect(event!.ticket).toMatchObject({
      title: "Не выписывается электронный рецепт",
      status: { value: "opened", native: "opened" },
      labels: ["Priority: Low", "Priority: High"],
      priority: { value: "high", native: "Priority: High" },
      reporter: { id: "operator1" },
      assignee: { id: "operator1" },
      createdAt: "2026-03-03T07:15:43Z",
    });
  });

  it("reads label, assignee and state changes, both date formats, and the priority the labels moved", () => {
    const hook = gitlabFixture("issue-hook-update-by-bridge.json");
    const attrs = hook.object_attributes as Record<string, unknown>;
    attrs.action = "close";
    attrs.state = "closed";
    (hook.changes as Record<string, unknown>).state_id = { previous: 1, current: 2 };
    (hook.changes as Record<string, unknown>).assignees = {
      previous: [],
      current: [{ name: "Инфраструктура", username: "infra-lead", avatar_url: "https://x" }],
    };
    const parsed = parseGitlabWebhook(n, gitlabDelivery(hook, "Issue Hook", { "idempotency-key": "k2" }));
    if (!parsed.handled) throw new Error("not handled");
    const change = parsed.events[0]!.change!;
    expect(change.kind).toBe("updated");
    expect(change.actor.id).toBe("reglament-bot");
    expect(change.at).toBe("2026-03-03T07:16:02Z");
    expect(change.fields).toEqual([
      { field: "labels", from: ["Priority: Low", "Priority: High"], to: ["Priority: High"] },
      { field: "assignee", from: undefined, to: "infra-lead" },
      { field: "status", from: "opened", to: "closed" },
    ]);
  });

  it("reports a priority move when the priority label is swapped (scoped labels too)", () => {
    const scoped = gitlabNormaliser({
      labels: { priority: { "priority::low": "low", "priority::high": "high" } },
    });
    const hook = gitlabFixture("issue-hook-update-by-bridge.json");
    (hook.changes as Record<string, unknown>).labels = {
      previous: [{ title: "priority::low" }],
      current: [{ title: "priority::high" }],
    };
    const parsed = parseGitlabWebhook(scoped, gitlabDelivery(hook, "Issue Hook"));
    if (!parsed.handled) throw new Error("not handled");
    expect(parsed.events[0]!.change!.fields).toContainEqual({ field: "priority", from: "low", to: "high" });
  });

  it("leaves the ticket to be fetched when the author is not the user of the event", () => {
    const hook = gitlabFixture("issue-hook-update-by-bridge.json");
    const parsed = parseGitlabWebhook(n, gitlabDelivery(hook, "Issue Hook"));
    if (!parsed.handled) throw new Error("not handled");
    expect(parsed.events[0]!.ticket).toBeUndefined();
  });

  it("keys a redelivery the same way: Idempotency-Key, else event UUID and object, else the body", () => {
    const id = (headers: Record<string, string>) => {
      const parsed = parseGitlabWebhook(n, gitlabDelivery(openHook(), "Issue Hook", headers));
      return parsed.handled ? parsed.events[0]!.deliveryId : "";
    };
    expect(id({ "idempotency-key": "a", "x-gitlab-event-uuid": "u" })).toBe("gitlab-a");
    expect(id({ "x-gitlab-event-uuid": "u" })).toBe("gitlab-u-issue-301");
    expect(id({})).toBe(id({}));
    expect(id({})).toMatch(/^gitlab-[0-9a-f]{32}$/);
  });

  it("accepts a Work Item Hook for an issue and ignores other work item types", () => {
    const issue = { ...openHook(), object_kind: "work_item" };
    expect(parseGitlabWebhook(n, gitlabDelivery(issue, "Work Item Hook")).handled).toBe(true);
    const task = openHook();
    (task.object_attributes as Record<string, unknown>).type = "Task";
    task.object_kind = "work_item";
    expect(parseGitlabWebhook(n, gitlabDelivery(task, "Work Item Hook"))).toEqual({
      handled: false,
      reason: 'work item of type "Task" is not an issue',
    });
  });

  it("acknowledges events it does not act on", () => {
    expect(parseGitlabWebhook(n, gitlabDelivery({ object_kind: "push" }, "Push Hook"))).toEqual({
      handled: false,
      reason: 'GitLab event "Push Hook" is not one the bridge acts on',
    });
  });

  it("refuses a body that is not JSON, lacks object_attributes, or has a bad field, with 400 naming it", () => {
    expect(refusal(() => parseGitlabWebhook(n, gitlabDelivery("{oops", "Issue Hook")))).toEqual({
      status: 400,
      message: expect.stringMatching(/body is not JSON/),
    });
    const bare = openHook();
    delete bare.object_attributes;
    expect(refusal(() => parseGitlabWebhook(n, gitlabDelivery(bare, "Issue Hook"))).message).toMatch(
      /Issue Hook payload has no "object_attributes"/,
    );
    const noIid = openHook();
    delete (noIid.object_attributes as Record<string, unknown>).iid;
    expect(refusal(() => parseGitlabWebhook(n, gitlabDelivery(noIid, "Issue Hook"))).message).toMatch(
      /object_attributes\.iid: is required/,
    );
    const badDate = openHook();
    (badDate.object_attributes as Record<string, unknown>).created_at = "03.03.2026";
    expect(refusal(() => parseGitlabWebhook(n, gitlabDelivery(badDate, "Issue Hook"))).message).toMatch(
      /"03\.03\.2026" is not a GitLab date/,
    );
    const emptyChange = openHook();
    emptyChange.changes = { labels: {} };
    expect(refusal(() => parseGitlabWebhook(n, gitlabDelivery(emptyChange, "Issue Hook")))).toEqual({
      status: 400,
      message: expect.stringMatching(/changes\.labels: has neither "previous" nor "current"/),
    });
  });
});

describe("GitLab Note Hook", () => {
  it("reads a comment on an issue as a commented change; the issue is fetched fresh", () => {
    const parsed = parseGitlabWebhook(n, gitlabDelivery(gitlabFixture("note-hook-issue.json"), "Note Hook"));
    if (!parsed.handled) throw new Error("not handled");
    const [event] = parsed.events;
    expect(event!.ref.id).toBe("FHIR-BY/ehr.platform.support#23");
    expect(event!.ticket).toBeUndefined();
    expect(event!.change).toEqual({
      kind: "commented",
      actor: { id: "operator1", name: "Оператор Первый" },
      at: "2026-03-03T09:06:40Z",
      fields: [],
      comment: {
        id: "1241",
        author: { id: "operator1", name: "Оператор Первый" },
        body: "Проверили у клиента, ошибка повторяется",
        public: true,
        createdAt: "2026-03-03T09:06:40Z",
      },
    });
  });

  it("marks a confidential note as not public", () => {
    const hook = { ...gitlabFixture("note-hook-issue.json"), event_type: "confidential_note" };
    const parsed = parseGitlabWebhook(n, gitlabDelivery(hook, "Confidential Note Hook"));
    if (!parsed.handled) throw new Error("not handled");
    expect(parsed.events[0]!.change!.comment?.public).toBe(false);
  });

  it("ignores comments on merge requests, system notes and edits", () => {
    const on = (patch: Record<string, unknown>) => {
      const hook = gitlabFixture("note-hook-issue.json");
      Object.assign(hook.object_attributes as object, patch);
      return parseGitlabWebhook(n, gitlabDelivery(hook, "Note Hook"));
    };
    expect(on({ noteable_type: "MergeRequest" }).handled).toBe(false);
    expect(on({ system: true }).handled).toBe(false);
    expect(on({ action: "update" }).handled).toBe(false);
  });
});
