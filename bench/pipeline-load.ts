import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import { fakeIssue } from "../test/helpers/fake-tracker.js";

/**
 * The other side of bench/pipeline, in its own process so that it does not share the
 * bridge's event loop: a stub tracker (answers the adapter's read, patch and comment) and
 * the webhook sender. Prints `tracker <url>`, then, for each `go <webhook url> <count>` on
 * stdin, sends that many webhooks of new tickets and prints one JSON line of timings once
 * every one of them got its comment.
 */
const issue = (id: string) => fakeIssue({ id });
let corrected = 0;
let expected = Number.POSITIVE_INFINITY;
let done: () => void = () => {};
// Each run's tickets are new ones: ids go on from where the last run stopped.
let firstId = 10_000;

const tracker = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const id = /\/issues\/([^/?]+)/.exec(req.url ?? "")?.[1] ?? "0";
    if (req.method === "GET") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(issue(id)));
      return;
    }
    if (req.method === "POST" && req.url?.endsWith("/comments") && ++corrected === expected) done();
    res.writeHead(req.method === "POST" ? 201 : 200, { "content-type": "application/json" }).end("{}");
  });
});
tracker.keepAliveTimeout = 60_000;
await new Promise<void>((ok) => tracker.listen(0, "127.0.0.1", ok));
console.log(`tracker http://127.0.0.1:${(tracker.address() as AddressInfo).port}`);

for await (const line of createInterface({ input: process.stdin })) {
  const [verb, url, n] = line.split(" ");
  if (verb !== "go" || !url) continue;
  expected = Number(n);
  corrected = 0;
  const allDone = new Promise<void>((ok) => (done = ok));
  const started = performance.now();
  const base = firstId;
  firstId += expected;
  let next = 0;
  const sender = async () => {
    while (next < expected) {
      const id = String(base + next++);
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-test-token": "s3cret" },
        body: JSON.stringify({
          delivery: `bench-${id}`,
          issue: issue(id),
          change: { kind: "created", actor: { id: "ivanov" } },
        }),
      });
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 32 }, sender));
  const acceptedMs = performance.now() - started;
  await Promise.race([allDone, new Promise((r) => setTimeout(r, 120_000))]);
  console.log(JSON.stringify({ acceptedMs, doneMs: performance.now() - started, corrected }));
}
tracker.close();
process.exit(0);
