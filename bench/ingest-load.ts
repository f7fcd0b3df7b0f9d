import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { packageRoot } from "../src/paths.js";

/**
 * The load generator of bench/ingest, in a process of its own: autocannon posting a real
 * GitLab Issue Hook (the documented payload, 4 KB) with GitLab's headers, each request a
 * new delivery of a new issue — its own `Idempotency-Key` and `iid`. Arguments: the URL,
 * the seconds, and a rate per second (0: as fast as answered). Prints autocannon's result
 * as one JSON line.
 */
const [url, seconds, rate] = process.argv.slice(2);
const hook = readFileSync(
  join(packageRoot, "test/fixtures/gitlab/issue-hook-open-two-priorities.json"),
  "utf8",
);
const [before, after] = hook.split('"iid": 23');
if (after === undefined) throw new Error('the fixture has no "iid": 23 to vary');
const run = randomUUID();
let n = 0;
const headers = {
  "content-type": "application/json",
  "x-gitlab-event": "Issue Hook",
  "x-gitlab-token": "bench-secret",
};
const result = await autocannon({
  url: url!,
  method: "POST",
  connections: 64,
  duration: Number(seconds),
  ...(Number(rate) > 0 ? { overallRate: Number(rate) } : {}),
  requests: [
    {
      setupRequest: (request) => {
        n++;
        return {
          ...request,
          headers: { ...headers, "idempotency-key": `${run}-${n}` },
          body: `${before}"iid": ${n}${after}`,
        };
      },
    },
  ],
});
process.stdout.write(`${JSON.stringify(result)}\n`);
