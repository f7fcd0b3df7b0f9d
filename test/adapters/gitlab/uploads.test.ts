import { describe, expect, it } from "vitest";
import { uploadsIn } from "../../../adapters/gitlab/uploads.js";

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
});
