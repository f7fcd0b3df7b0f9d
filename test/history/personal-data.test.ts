import type { ChainableCommander } from "ioredis";
import { describe, expect, it } from "vitest";
import { handOff } from "../../src/history/hand-off.js";
import {
  type HistoryRecord,
  historyRecords,
  redactRecord,
  ticketVersion,
} from "../../src/history/records.js";
import { KeySpace } from "../../src/redis/key-space.js";
import { ticket } from "../helpers/tickets.js";

const snils = (s: string) => `СНИЛС ${s}`;
// Whole pieces: keys are digests, times are digits too.
const secrets = /112.?233|445.?95|ivanov@|Петров|01\.02\.1980|912\)?.?345|345-67/;
const at = "2026-03-02T10:00:00+03:00";

describe("a stored ticket version holds no personal data", () => {
  it("labels, the status and the type are redacted (the label that once held a СНИЛС)", () => {
    const t = ticket({
      labels: ["срочно", snils("112 233 445 95")],
      type: "Ошибка: Петров Пётр Петрович 01.02.1980",
      status: "на проверке у ivanov@mail.ru",
    });
    const version = ticketVersion("sev", "p", t, at);
    expect(JSON.stringify(version)).not.toMatch(secrets);
    expect(version).toMatchObject({
      labels: ["СНИЛС [snils]", "срочно"].sort(),
      status: "на проверке у [email]",
      type: "Ошибка: [birthdate-with-name] [birthdate-with-name]",
    });
  });

  it("its key is made of the redacted values: it cannot be reversed to a document by trying them all", () => {
    const one = ticketVersion("sev", "p", ticket({ labels: [snils("112-233-445 95")] }), at);
    const other = ticketVersion("sev", "p", ticket({ labels: [snils("123-456-789 64")] }), at);
    expect(other.key).toBe(one.key);
    const clean = ticketVersion("sev", "p", ticket({ labels: ["срочно"] }), at);
    expect(clean.key).not.toBe(one.key);
  });
});

describe("redactRecord: every text of every kind of record", () => {
  const said = "Петров Пётр Петрович 01.02.1980, СНИЛС 112-233-445 95";
  const records: HistoryRecord[] = [
    ...historyRecords("sev", "x", {
      type: "decisions",
      at,
      deliveryId: "d",
      pack: "p",
      mode: "enforce",
      writeback: "held",
      decisions: [
        {
          rule: "r",
          pack: "p",
          outcome: "violation",
          message: said,
          citation: "",
          actions: [{ type: "comment", body: said, public: true }],
          alerts: [],
          conflict: `held back: {"type":"comment","body":"${said}"}`,
        },
      ],
    }),
    ...historyRecords("sev", "x", {
      type: "writeback",
      at,
      deliveryId: "d",
      result: "partial",
      error: `tracker: ${said}`,
      changed: ["label «СНИЛС 112-233-445 95»"],
      refused: [{ action: { type: "addLabel", label: "ivanov@mail.ru" }, reason: said }],
    }),
    ...historyRecords("sev", "x", { type: "event-failed", at, deliveryId: "d", error: said }),
    ...historyRecords("sev", "x", { type: "own-change", at, deliveryId: "d", reason: said }),
    {
      kind: "alert",
      key: "k",
      at,
      alertId: "a",
      type: "policy.violation",
      instance: "sev",
      ticket: "x",
      pack: "p",
      clock: null,
      message: said,
    },
    {
      kind: "alert_delivery",
      key: "k",
      at,
      alertId: "a",
      endpoint: "e",
      outcome: "retrying",
      status: 500,
      detail: said,
    },
  ];

  // Keys are digests: their letters and digits say nothing.
  const texts = (r: HistoryRecord) => JSON.stringify({ ...r, key: "" });
  it.each(records.map((r) => [r.kind, r] as const))("%s", (_kind, record) => {
    expect(texts(record)).toMatch(secrets);
    const redacted = redactRecord(record, (t) => t.replace(/\d|Петров|ivanov@/g, "#"));
    expect(texts(redacted)).not.toMatch(secrets);
    expect(redactRecord(record, (t) => t)).toEqual(record);
  });
});

describe("the hand-off to the history", () => {
  it("redacts what it hands to Redis even when it is given no redaction of its own", () => {
    const added: string[][] = [];
    const tx = { xadd: (...args: string[]) => added.push(args) } as unknown as ChainableCommander;
    const records = historyRecords(
      "sev",
      "x",
      { type: "own-change", at, deliveryId: "d", reason: "ответ: ivanov@mail.ru, 8 912 345-67-89" },
      ticket({ labels: [snils("112 233 445 95")] }),
    );
    handOff(tx, { keys: new KeySpace("t", 2), maxBacklog: 10 }, "sev/x", records);
    expect(added).toHaveLength(1);
    expect(added[0]!.join(" ")).not.toMatch(secrets);
    expect(added[0]!.join(" ")).toContain("[email]");
  });
});
