import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openEmbedded } from "../../src/history/database.js";

const root = mkdtempSync(join(tmpdir(), "reglament-pglite-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the embedded PostgreSQL", () => {
  it("initialises a new folder apart, then runs with a 16 MB buffer pool, on every later open too", async () => {
    const dir = join(root, "history");
    const first = await openEmbedded(dir);
    expect(existsSync(join(dir, "PG_VERSION"))).toBe(true);
    expect(await first.query("show shared_buffers")).toEqual([{ shared_buffers: "16MB" }]);
    await first.query("create table kept (v text)");
    await first.query("insert into kept values ('still here')");
    await first.close();
    const again = await openEmbedded(dir);
    expect(await again.query("show shared_buffers")).toEqual([{ shared_buffers: "16MB" }]);
    expect(await again.query("select v from kept")).toEqual([{ v: "still here" }]);
    await again.close();
  }, 120_000);
});
