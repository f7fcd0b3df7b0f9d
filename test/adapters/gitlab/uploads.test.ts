import { describe, expect, it } from "vitest";
import { mentionsUploads, upload, uploadsIn } from "../../../adapters/gitlab/uploads.js";
import { matchCaps } from "../../../src/text/bounds.js";
import { isLinear } from "../../../src/text/linear.js";

describe("GitLab uploads in Markdown", () => {
  it("reads the file names an issue's description or note links to, decoded", () => {
    const md = [
      "Скриншот: ![Снимок](/uploads/0f1e2d3c4b5a69788796a5b4c3d2e1f0/%D0%A1%D0%BD%D0%B8%D0%BC%D0%BE%D0%BA.png)",
      "Лог: [app.log](/uploads/abcdefabcdefabcdefabcdefabcdefab/app.log)",
      "and a full link [r.pdf](https://gitlab.com/FHIR-BY/ehr.platform.support/uploads/1234567890abcdef1234567890abcdef/report.pdf)",
      "not an upload: [docs](https://example.org/uploads/guide.pdf)",
    ].join("\n");
    expect(uploadsIn(md)).toEqual([{ name: "Снимок.png" }, { name: "app.log" }, { name: "report.pdf" }]);
    expect(uploadsIn("[a](/uploads/abcdefabcdefabcdefabcdefabcdefab/a.txt)", "42")).toEqual([
      { name: "a.txt", commentId: "42" },
    ]);
    expect(uploadsIn(null)).toEqual([]);
  });

  it("answers on RE2 for a 100 KB upload-shaped link whose tail never closes (it held a webhook 2.6 s)", () => {
    expect(isLinear(upload)).toBe(true);
    expect(isLinear(mentionsUploads)).toBe(true);
    const tail = `](/uploads/0123456789abcdef/${"a".repeat(100_000)}`;
    expect(uploadsIn(tail)).toEqual([]);
    expect(uploadsIn(tail, "7")).toEqual([]);
    expect(uploadsIn("[x](/uploads/0123456789abcdef/x ".repeat(3_000))).toEqual([]);
  });

  it("reads the first matchCaps.description characters of a description, matchCaps.comment of a note", () => {
    const link = "[a.txt](/uploads/abcdefabcdefabcdefabcdefabcdefab/a.txt)";
    expect(uploadsIn(`${link}${" ".repeat(matchCaps.description)}${link}`)).toEqual([{ name: "a.txt" }]);
    expect(uploadsIn(`${" ".repeat(matchCaps.comment)}${link}`, "3")).toEqual([]);
  });
});
