import { describe, expect, it } from "vitest";
import { own } from "../../src/domain/own.js";
import { safeHref } from "../../src/domain/web-link.js";

describe("a ticket's link (safeHref)", () => {
  it("keeps http and https addresses", () => {
    expect(safeHref("https://gitlab.example.by/g/p/-/issues/7")).toBe(
      "https://gitlab.example.by/g/p/-/issues/7",
    );
    expect(safeHref("http://mantis.local/view.php?id=3")).toBe("http://mantis.local/view.php?id=3");
  });

  it("refuses every other scheme, however it is spelt, and what is not an absolute URL", () => {
    for (const url of [
      "javascript:alert(document.cookie)",
      "JavaScript:alert(1)",
      " javascript:alert(1)",
      "java\tscript:alert(1)",
      "java\nscript:alert(1)",
      "\u0000javascript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox(1)",
      "file:///etc/passwd",
      "//evil.example/x",
      "/console/tickets/a/1",
      "not a url",
      "",
      undefined,
    ])
      expect(safeHref(url), JSON.stringify(url)).toBeUndefined();
  });

  it("leaves out a user and password the address carries", () => {
    expect(safeHref("https://admin:secret@mantis.example.ru/view.php?id=1")).toBe(
      "https://mantis.example.ru/view.php?id=1",
    );
  });
});

describe("a lookup by a name a tracker or a request gives (own)", () => {
  const table: Record<string, string> = { high: "high", "Priority: Low": "low" };

  it("finds only the table's own entries, never what every object inherits", () => {
    expect(own(table, "high")).toBe("high");
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"])
      expect(own(table, name), name).toBeUndefined();
    expect(own(undefined, "high")).toBeUndefined();
  });
});
