import { scriptArgs } from "../scripts/script-args.js";

/**
 * `npm run bench`: runs every benchmark, or the ones named (`npm run bench -- policy`,
 * `npm run bench -- pipeline --processes 1,2`); `--help` lists them and runs nothing.
 * Each prints its own figures and, where it compares, the ratio to its baseline.
 */

interface Bench {
  load: () => Promise<{ run(): Promise<void> }>;
  what: string;
  /** Wall time of a run on the 2-core build machine, so nobody starts the soak unawares. */
  takes: string;
}

const benches: Record<string, Bench> = {
  policy: {
    load: () => import("./policy.js"),
    what: "decisions/s of the sevastopol-miac pack on realistic tickets",
    takes: "~7 s",
  },
  calendar: {
    load: () => import("./calendar.js"),
    what: "working-time arithmetic on a real calendar, beside moment-business-time",
    takes: "~25 s",
  },
  "sla-scale": {
    load: () => import("./sla-scale.js"),
    what: "the clocks of 100,000 open tickets on Redis: memory per ticket, time (DB 15)",
    takes: "~6 s",
  },
  ingest: {
    load: () => import("./ingest.js"),
    what: "webhooks/s accepted into the inbox, beside a bare fastify route (DB 14)",
    takes: "~80 s",
  },
  pipeline: {
    load: () => import("./pipeline.js"),
    what: "events/s from webhook to write-back, beside a minimal BullMQ chain (DB 13)",
    takes: "~20 s",
  },
  "cli-start": {
    load: () => import("./cli-start.js"),
    what: "how fast the CLI answers --version, --help, a usage error (builds dist/)",
    takes: "~18 s",
  },
  history: {
    load: () => import("./history.js"),
    what: "history rows/s into PostgreSQL, the SLA report on 100,000 tickets, pipeline on/off",
    takes: "~30 s",
  },
  audit: {
    load: () => import("./audit.js"),
    what: "tickets audited/s from a stub tracker, and the memory over 5,000 tickets",
    takes: "~9 s",
  },
  console: {
    load: () => import("./console.js"),
    what: "the console's SLA board with 10,000 open tickets, over HTTP (DB 12)",
    takes: "~11 s",
  },
  soak: {
    load: () => import("./soak.js"),
    what: "the compiled bridge's memory under load for SOAK_MINUTES (10)",
    takes: "~10.5 min",
  },
  redos: {
    load: () => import("./redos.js"),
    what: "the once-backtracking patterns on 10 KB and 100 KB hostile texts",
    takes: "~1 s",
  },
};

const usage = `usage: npm run bench [-- NAME …] [--processes 1,2]

Runs every benchmark below, one after another — about 14 minutes in all, 10½ of them the
soak — or only those named: \`npm run bench -- ingest calendar\`. Times are the 2-core
build machine's.

${Object.entries(benches)
  .map(([name, b]) => `  ${name.padEnd(10)} ${b.takes.padEnd(10)} ${b.what}`)
  .join("\n")}

options:
  --processes 1,2   pipeline: also as that many processes (the extra ones \`serve --role worker\`)
  -h, --help        this text; runs nothing

environment: REDIS_URL (the local 6379 otherwise), TEST_POSTGRES_URL (history),
SOAK_MINUTES (10), SOAK_EVERY_S (30), SOAK_NODE_OPTIONS, INGEST_ROUNDS (5),
INGEST_SECONDS (3), SLA_SCALE_TICKETS (100000), AUDIT_TICKETS (5000)
`;

// bench/pipeline reads --processes from process.argv itself; it is checked here.
const { values, positionals: wanted } = scriptArgs(
  "bench",
  usage,
  {
    processes: { type: "string", shown: "--processes 1,2" },
  },
  { max: Number.POSITIVE_INFINITY, what: "benchmark names" },
);
if (values.processes !== undefined && !/^[1-9]\d*(,[1-9]\d*)*$/.test(String(values.processes))) {
  console.error(
    `bench: --processes takes process counts separated by commas (1,2), not "${values.processes}"`,
  );
  process.exit(2);
}
const unknown = wanted.filter((name) => !Object.hasOwn(benches, name));
if (unknown.length) {
  console.error(
    `bench: unknown benchmark ${unknown.map((n) => `"${n}"`).join(", ")}; the benchmarks are: ${Object.keys(benches).join(", ")} (--help for what each measures)`,
  );
  process.exit(2);
}
for (const [name, bench] of Object.entries(benches)) {
  if (wanted.length && !wanted.includes(name)) continue;
  await (await bench.load()).run();
}
