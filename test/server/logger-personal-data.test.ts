import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { TrackerRequestError } from "../../src/errors/tracker-error.js";
import { loggerOptions } from "../../src/server/logger.js";

function captured() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino(loggerOptions("info"), sink), lines };
}

// Whole pieces: a line's time and a stack's line numbers are digits too.
const secrets = /112.?233|445.?95|ivanov@|Петров|01\.02\.1980|912\)?.?345|345-67/;

describe("log lines carry no personal data", () => {
  it("a decision's message, which quotes the ticket, is redacted", () => {
    const { log, lines } = captured();
    log
      .child({ instance: "gl", ticket: "7707083893" })
      .info(
        { rule: "one-problem-per-ticket", outcome: "violation" },
        "Похоже, несколько проблем («пациент Петров Пётр Петрович 01.02.1980», «СНИЛС 112 233 445 95»)",
      );
    expect(lines[0]).toMatchObject({
      msg: "Похоже, несколько проблем («пациент [birthdate-with-name] [birthdate-with-name]», «СНИЛС [snils]»)",
      // Ids are the bridge's own: kept as they are, even when one passes a checksum.
      ticket: "7707083893",
      rule: "one-problem-per-ticket",
    });
  });

  it("what a write-back did and what a tracker answered are redacted; credentials are still blanked", () => {
    const { log, lines } = captured();
    const err = new TrackerRequestError({
      instance: "gl",
      what: "add a note",
      status: 400,
      reason: "note rejected: ivanov@mail.ru",
      retryable: false,
    });
    log.info(
      {
        result: "partial",
        changed: ["label «СНИЛС 112-233-445 95»"],
        refused: [
          {
            action: { type: "comment", body: "тел. 8 912 345-67-89" },
            reason: "Петров Пётр Петрович 01.02.1980",
          },
        ],
        error: "tracker: ivanov@mail.ru",
        headers: { authorization: "Bearer s3cret" },
        tracker: { token: "t0ken" },
      },
      "decision log: writeback",
    );
    log.warn({ err, reason: "+7 (912) 345-67-89" }, "job failed");
    log.warn({ err: "gl: add a note failed: 8 912 345 67 89" }, "job failed");
    log.error({ err: Object.assign(new Error("refused"), { config: { secret: "t0ken" } }) }, "worker error");
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(secrets);
    expect(text).not.toMatch(/s3cret|t0ken/);
    expect(lines[0]).toMatchObject({
      changed: ["label «СНИЛС [snils]»"],
      refused: [{ action: { type: "comment", body: "тел. [phone]" } }],
      headers: { authorization: "[redacted]" },
      tracker: { token: "[redacted]" },
    });
    expect(lines[1]).toMatchObject({ reason: "[phone]", err: { reason: "note rejected: [email]" } });
    expect(lines[2]).toMatchObject({ err: "gl: add a note failed: [phone]" });
    expect(lines[3]).toMatchObject({ err: { message: "refused", config: { secret: "[redacted]" } } });
  });
});
