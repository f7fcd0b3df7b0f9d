import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { auditReport } from "../src/audit/report.js";
import { auditInstance } from "../src/audit/run.js";
import { configSchema } from "../src/config/schema.js";
import { AdapterRegistry } from "../src/domain/adapter.js";
import { listPackIds } from "../src/engine/pack-catalogue.js";
import { createAdapters } from "../src/runtime/adapters.js";
import { loadDeploymentPacks } from "../src/runtime/deployment-packs.js";
import { fakeIssue, fakeTrackerFactory } from "../test/helpers/fake-tracker.js";

/**
 * Tickets audited per second against a local stub tracker with no rate limit (target
 * ≥ 500/s: the cost must be the tracker's, not ours), and the memory a run over 5,000
 * tickets holds (target: RSS ≤ 150 MB; tickets are streamed, only findings are kept).
 */
export async function run(): Promise<void> {
  const count = Number(process.env.AUDIT_TICKETS ?? 5000);
  const ids = Array.from({ length: count }, (_, i) => String(100_000 + i));
  const body = (id: string) =>
    JSON.stringify(
      fakeIssue({
        id,
        priority: Number(id) % 3 === 0 ? "high" : "normal",
        description: "Ошибка 500 при открытии карты. ".repeat(40),
        updated_at: "2026-11-20T10:00:00+03:00",
      }),
    );
  const listing = JSON.stringify({
    issues: ids.map((id) => ({ ...fakeIssue({ id }), updated_at: "2026-11-20T10:00:00+03:00" })),
    next: "",
  });
  const stub = createServer((req, res) => {
    const id = /\/issues\/([^/?]+)/.exec(req.url ?? "")?.[1];
    res.writeHead(200, { "content-type": "application/json" }).end(id ? body(id) : listing);
  });
  stub.keepAliveTimeout = 60_000;
  await new Promise<void>((ok) => stub.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  const config = configSchema(listPackIds()).parse({
    history: { enabled: false },
    trackers: {
      shop: {
        kind: "gitlab",
        baseUrl: url,
        token: "t",
        webhookSecret: "s",
        bridgeUser: "bot",
        projects: { support: { pack: "sevastopol-miac" } },
      },
    },
    packs: { "sevastopol-miac": { params: { headOfLine2: "petrova" } } },
  });
  const packs = loadDeploymentPacks(config, "bench");
  const adapter = createAdapters(
    config,
    new AdapterRegistry([fakeTrackerFactory]),
    pino({ level: "silent" }),
  ).get("shop")!;
  const deployment = packs.get("sevastopol-miac")!;
  globalThis.gc?.();
  const baseRss = process.memoryUsage().rss;
  let peakRss = 0;
  const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const started = performance.now();
  const result = await auditInstance({
    adapter,
    config,
    instance: "shop",
    packFor: () => deployment,
    since: "2026-11-01T00:00:00Z",
    until: "2026-12-01T00:00:00Z",
    readsPerSecond: 1_000_000,
    now: Date.parse("2026-12-01T00:00:00Z"),
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sample);
  const report = auditReport(result, {
    now: Date.now(),
    zone: "UTC",
    iso: (t) => new Date(t).toISOString(),
    deadlines: false,
  });
  stub.close();
  const rate = result.tickets / seconds;
  console.log(
    `\nbench/audit — ${count.toLocaleString("en-US")} tickets from a local stub tracker (no rate limit, in-process)`,
  );
  console.log(
    `  audited ${result.tickets} in ${seconds.toFixed(2)} s: ${Math.round(rate)} tickets/s  (target ≥ 500/s: ${rate >= 500 ? "met" : "MISSED"})`,
  );
  const mb = (b: number) => Math.round(b / 1048576);
  const grew = peakRss - baseRss;
  console.log(
    `  findings ${report.findings.length}; RSS before ${mb(baseRss)} MB (tsx, the stub, its listing), peak ${mb(peakRss)} MB: the audit's own +${mb(grew)} MB  (target ≤ 150 MB: ${grew <= 150 * 1048576 ? "met" : "MISSED"})`,
  );
}
