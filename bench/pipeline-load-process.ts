import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { packageRoot } from "../src/paths.js";

export interface LoadRun {
  count: number;
  acceptedMs: number;
  doneMs: number;
  corrected: number;
  /** Events corrected per second, from the first webhook to the last note. */
  rate: number;
}

export interface LoadProcess {
  trackerUrl: string;
  /** Sends `count` webhooks to `url` and resolves once every ticket got its note. */
  run(url: string, count: number): Promise<LoadRun>;
  stop(): void;
}

/** The stub tracker and the webhook sender (bench/pipeline-load.ts), in a process of their own. */
export async function startLoad(): Promise<LoadProcess> {
  const load = spawn(process.execPath, ["--import", "tsx", join(packageRoot, "bench/pipeline-load.ts")], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: load.stdout! })[Symbol.asyncIterator]();
  const nextLine = async () => String((await lines.next()).value ?? "");
  const trackerUrl = (await nextLine()).replace(/^tracker /, "");
  return {
    trackerUrl,
    async run(url, count) {
      load.stdin!.write(`go ${url} ${count}\n`);
      const r = JSON.parse(await nextLine()) as Omit<LoadRun, "count" | "rate">;
      return { count, ...r, rate: r.corrected / (r.doneMs / 1000) };
    },
    stop: () => load.kill(),
  };
}
