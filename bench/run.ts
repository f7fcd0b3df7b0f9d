/**
 * `npm run bench`: runs every benchmark, or the ones named (`npm run bench -- policy`,
 * `npm run bench -- pipeline --processes 1,2`).
 * Each prints its own figures and, where it compares, the ratio to its baseline.
 */
const benches: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  policy: () => import("./policy.js"),
  calendar: () => import("./calendar.js"),
  "sla-scale": () => import("./sla-scale.js"),
  ingest: () => import("./ingest.js"),
  pipeline: () => import("./pipeline.js"),
  "cli-start": () => import("./cli-start.js"),
  history: () => import("./history.js"),
  audit: () => import("./audit.js"),
  console: () => import("./console.js"),
  soak: () => import("./soak.js"),
  redos: () => import("./redos.js"),
};

// Names choose benchmarks; `--flag value` pairs are the benchmarks' own (bench/pipeline's --processes).
const args = process.argv.slice(2);
const wanted = args.filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
for (const name of wanted) {
  if (!(name in benches)) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(benches).join(", ")}`);
    process.exit(2);
  }
}
for (const [name, load] of Object.entries(benches)) {
  if (wanted.length && !wanted.includes(name)) continue;
  await (await load()).run();
}
