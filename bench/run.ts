import { randomBytes } from "node:crypto";
import path from "node:path";
import { HeraldApi, type Batching } from "./load/herald-api";
import { ensureBuild } from "./load/build";
import { readConfig, type PhaseName } from "./load/config";
import {
  BENCH_TOKEN,
  databaseName,
  deleteRunQueues,
  dropIndexes,
  heraldEnv,
  resetDatabase,
  startWeb,
  startWorker,
  waitForHealth,
  waitForQuietDatabase,
  waitForWorkerConnections,
  workerConnections,
} from "./load/herald";
import { measureDiskUsage, measureLogQueries, type LogTarget } from "./load/log-queries";
import { printDiskUsage, printLogQueries, printWritePath } from "./load/log-report";
import {
  measureBareSender,
  measureBulkIngest,
  measureCeiling,
  measureLatency,
  measureRetention,
  measureThroughput,
  type WorkerFreezer,
  warmUp,
  type PhaseContext,
} from "./load/phases";
import { PREFILL_LOG_USER, ensurePrefill } from "./load/prefill";
import {
  killChildrenOnExit,
  freePort,
  sampleMemory,
  sleep,
  stopProcess,
  type Component,
  type Started,
} from "./load/processes";
import { busyMs, printProfile, summarizeProfiles } from "./load/profile-summary";
import { startReceiver } from "./load/forked";
import { buildRows, printBreakdownTable, printCpuTable, type Results } from "./load/summary";
import { machineInfo, printTable, writeResults } from "./load/report";
import { enableStatementStats } from "./load/write-path";

// `npm run bench`: Herald's web + worker(s) on the local Postgres and Redis against a fast local
// receiver; prints a table and writes bench/results/<timestamp>.json and latest.json.
// See bench/README.md for the knobs (BENCH_SCALE=0.1 for a quick smoke run).

const config = readConfig();
const { scale } = config;
const runs = (phase: PhaseName) => config.phases.has(phase);
const loadAverageAtStart = machineInfo().loadAverage;

// Tuning knobs (concurrency, pool size, ...) pass through; what the benchmark fixes does not.
const FIXED = new Set([
  "HERALD_API_TOKEN",
  "HERALD_ENCRYPTION_KEY",
  "HERALD_QUEUE_PREFIX",
  "HERALD_SKIP_DOTENV",
  "HERALD_ALLOWED_DESTINATIONS",
]);
const passThrough = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name, value]) =>
      /^(HERALD_|DATABASE_POOL_SIZE$)/.test(name) && !FIXED.has(name) && value !== undefined,
  ),
) as Record<string, string>;

const startedAt = new Date();
// Each run its own prefix; only its keys are deleted (at the end), never another install's queues.
const queuePrefix =
  process.env.BENCH_QUEUE_PREFIX ||
  `heraldbench_${startedAt.getTime()}_${randomBytes(3).toString("hex")}`;
// Plain characters only: the prefix is also a SCAN pattern when the run deletes its keys.
if (!/^[A-Za-z0-9_.-]+$/.test(queuePrefix))
  throw new Error(
    `BENCH_QUEUE_PREFIX may hold only letters, digits, '_', '.' and '-', got '${queuePrefix}'`,
  );
const profileDir = path.resolve(
  "bench",
  "results",
  "profiles",
  startedAt.toISOString().replaceAll(":", "-"),
);
const errors: Record<string, string> = {};

async function attempt<T>(name: string, run: () => Promise<T>): Promise<T | null> {
  process.stdout.write(`bench: ${name}… `);
  const started = Date.now();
  try {
    const result = await run();
    console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } catch (error) {
    console.log("FAILED");
    errors[name] = (error as Error).message;
    console.error(`  ${(error as Error).message.split("\n").slice(0, 8).join("\n  ")}`);
    return null;
  }
}

killChildrenOnExit();
const build = ensureBuild(config.build);
const prefill = config.prefill ? await ensurePrefill(config.databaseUrl, config.prefill) : null;
await resetDatabase(config.databaseUrl, prefill ? config.prefill!.template : undefined);
if (config.dropIndexes.length) await dropIndexes(config.databaseUrl, config.dropIndexes);
const statementStats = await enableStatementStats(config.databaseUrl);

const webPort = await freePort();
const env = heraldEnv({
  databaseUrl: config.databaseUrl,
  redisUrl: config.redisUrl,
  queuePrefix,
  webPort,
  extraEnv: passThrough,
});
const profileArgs = (what: "worker" | "web") =>
  config.profile.includes(what) ? [`--cpu-prof`, `--cpu-prof-dir=${profileDir}/${what}`] : [];

console.log(
  `bench: scale ${scale}; web on :${webPort}; database ${databaseName(config.databaseUrl)}${prefill ? ` (a copy of ${config.prefill!.template})` : ""}; queue prefix ${queuePrefix}; pg_stat_statements ${statementStats ? "on" : "off"}`,
);
const receiver = await startReceiver();
const web = startWeb(env, webPort, profileArgs("web"));
const workers: Started[] = [startWorker(env, "worker-1", profileArgs("worker"))];
const memory = [sampleMemory(workers[0]!.child.pid!)];
const baseUrl = `http://127.0.0.1:${webPort}`;

const components = (): Component[] => [
  { name: "web", pgid: web.child.pid },
  ...workers.map((worker, index) => ({ name: `worker-${index + 1}`, pgid: worker.child.pid })),
  { name: "receiver", pgid: receiver.pid },
  // Backends serving the benchmark's database (their title names it), not other people's tests.
  {
    name: "postgres",
    comm: "postgres",
    titleIncludes: ` ${databaseName(config.databaseUrl)} `,
  },
  { name: "redis", comm: "redis-server" },
];
const ctx: PhaseContext = {
  api: new HeraldApi(baseUrl, BENCH_TOKEN),
  receiver,
  databaseUrl: config.databaseUrl,
  components,
  phaseTimeoutMs: config.phaseTimeoutSeconds * 1000,
  statementStats,
};
const backlog: WorkerFreezer = {
  freeze: () => workers.forEach((worker) => process.kill(-worker.child.pid!, "SIGSTOP")),
  thaw: () => workers.forEach((worker) => process.kill(-worker.child.pid!, "SIGCONT")),
};
const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };
const batched = { enabled: true, durationMs: 50, maxBatchSize: 100 };

const results: Results = {
  startedAt: startedAt.toISOString(),
  machine: { ...machineInfo(), loadAverageAtStart },
  config: { ...config, phases: [...config.phases], queuePrefix, passThrough },
  build,
  prefill: prefill ? { ...prefill.info, reused: prefill.reused } : null,
  errors,
};
try {
  const healthy = await attempt("start web", () =>
    waitForHealth(baseUrl, 90_000, web).then(() => true),
  );
  // The worker's start-up work (its first retention run) ends before the limits are measured.
  results.startupWorkSeconds = await attempt("wait for the worker's start-up work", async () => {
    await waitForWorkerConnections(config.redisUrl, queuePrefix, 0, 60_000);
    return waitForQuietDatabase(config.databaseUrl);
  });
  // The limits and ingest need no delivery: they are measured even when the worker is broken.
  if (runs("ceiling"))
    results.ceiling = await attempt("1. ceiling (autocannon -> receiver)", () =>
      measureCeiling(ctx, config.loadSeconds, config.ceilingConnections),
    );
  if (runs("bare")) {
    results.bareSender = await attempt(
      `1b. bare sender (undici, ${config.bareSenderInFlight} in flight, 1 event/request)`,
      () => measureBareSender(ctx, "bare", config.loadSeconds, config.bareSenderInFlight, 1),
    );
    results.bareSenderBatched = await attempt(
      `1c. bare sender, batched (${config.bareSenderInFlight} in flight, 100 events/request)`,
      () =>
        measureBareSender(ctx, "bare-batched", config.loadSeconds, config.bareSenderInFlight, 100),
    );
  }
  if (healthy && runs("bulk")) {
    results.bulkIngest = await attempt("4. bulk ingest (autocannon, 1000 events/request)", () =>
      measureBulkIngest(ctx, config.loadSeconds, config.ingestConnections),
    );
  }
  const deliveryPhases = (
    ["unbatched", "ordered", "batched", "backlog", "latency", "two-workers"] as const
  ).some(runs);
  const delivering =
    healthy &&
    deliveryPhases &&
    (await attempt("warm-up through the worker (200 events)", () =>
      warmUp(ctx, 200, 60_000).then(() => true),
    ));
  const throughput = (
    label: string,
    batching: Batching,
    events: number,
    options: Parameters<typeof measureThroughput>[5] = {},
  ) => measureThroughput(ctx, label, batching, events, config.ingestConnections, options);
  if (delivering && runs("unbatched"))
    results.unbatched = await attempt(
      `2. unbatched delivery (${config.unbatchedEvents} events)`,
      () => throughput("unbatched", unbatched, config.unbatchedEvents),
    );
  if (delivering && runs("ordered"))
    results.unbatchedOrdered = await attempt(
      `2o. unbatched delivery, ordering "channel", a channel per event (${config.unbatchedEvents} events)`,
      () => throughput("ordered", unbatched, config.unbatchedEvents, { ordered: true }),
    );
  if (delivering && runs("batched"))
    results.batched = await attempt(`3. batched delivery (${config.batchedEvents} events)`, () =>
      throughput("batched", batched, config.batchedEvents),
    );
  if (delivering && runs("backlog")) {
    results.unbatchedBacklog = await attempt(
      `2b. unbatched delivery from a backlog (${config.unbatchedEvents} events)`,
      () => throughput("unbatched-backlog", unbatched, config.unbatchedEvents, { backlog }),
    );
    results.batchedBacklog = await attempt(
      `3b. batched delivery from a backlog (${config.batchedEvents} events)`,
      () => throughput("batched-backlog", batched, config.batchedEvents, { backlog }),
    );
  }
  if (delivering && runs("latency"))
    results.latency = await attempt(
      `5. latency (${config.latencyRate}/s for ${config.latencySeconds} s, unbatched)`,
      () => measureLatency(ctx, config.latencyRate, config.latencySeconds),
    );
  if (delivering && runs("two-workers")) {
    const second = await attempt("7. start a second worker", async () => {
      const before = await workerConnections(config.redisUrl, queuePrefix);
      workers.push(startWorker(env, "worker-2", profileArgs("worker")));
      memory.push(sampleMemory(workers[1]!.child.pid!));
      await waitForWorkerConnections(config.redisUrl, queuePrefix, before, 20_000);
      await sleep(1000);
      return true;
    });
    if (second) {
      results.unbatchedTwoWorkers = await attempt(
        `7. unbatched delivery, 2 workers (${config.unbatchedEvents} events)`,
        () => throughput("unbatched-2w", unbatched, config.unbatchedEvents),
      );
      results.batchedTwoWorkers = await attempt(
        `7. batched delivery, 2 workers (${config.batchedEvents} events)`,
        () => throughput("batched-2w", batched, config.batchedEvents),
      );
    }
  }
  // The log as an operator reads it: the pre-filled history, or else the unbatched phase's app.
  const logTarget: LogTarget | null = prefill
    ? { ...prefill.info.log, userId: PREFILL_LOG_USER, referenceMs: prefill.info.endMs }
    : results.unbatched
      ? {
          appId: results.unbatched.appId,
          endpointIds: [results.unbatched.endpointId, results.unbatched.endpointId],
          matchingEventName: "client_event",
          missingEventName: "cache_miss",
          channel: "private-bench-unbatched",
          referenceMs: Date.now(),
        }
      : null;
  if (healthy && runs("log") && logTarget) {
    results.logQueries = await attempt("8. delivery log API (cold, then median of 5)", () =>
      measureLogQueries(ctx.api, config.databaseUrl, logTarget),
    );
  }
  if (runs("log") || runs("retention"))
    results.diskUsage = await attempt("9. log on disk", () => measureDiskUsage(config.databaseUrl));
  if (runs("retention")) {
    // From a day after the history ends: the measured run prunes one whole day of it (nothing, on
    // an empty log).
    const nowMs = (prefill?.info.endMs ?? Date.now()) + 86_400_000;
    results.retention = await attempt("10. retention run, a whole day", () =>
      measureRetention(ctx, env, nowMs),
    );
  }
} finally {
  results.memory = Object.fromEntries(
    memory.map((sampler, index) => [`worker-${index + 1}`, sampler.read()]),
  );
  await attempt("stop Herald", async () => {
    await Promise.all(workers.map((worker) => stopProcess(worker.child, 20_000)));
    await stopProcess(web.child, 10_000);
    await receiver.stop();
    await deleteRunQueues(config.redisUrl, queuePrefix);
  });
}

results.finishedAt = new Date().toISOString();
results.durationSeconds = Math.round((Date.now() - startedAt.getTime()) / 1000);
if (config.profile.length) {
  results.profiles = config.profile.flatMap((what) =>
    summarizeProfiles(path.join(profileDir, what)).map((summary) => ({
      process: what,
      ...summary,
    })),
  );
}

const { rows, ratios } = buildRows(results);
results.ratios = ratios;
results.table = rows;
const m = results.machine;
console.log(
  `\nMachine: ${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, node ${m.node}; load average at start ${m.loadAverageAtStart.join(" ")}, before the phases ${m.loadAverage.join(" ")}`,
);
if (prefill)
  console.log(
    `Pre-filled log: ${prefill.info.counts.deliveries} deliveries, ${prefill.info.counts.attempts} attempts, ${prefill.info.counts.events} events over 30 days to ${prefill.info.madeAt} (${prefill.reused ? "reused" : `filled in ${prefill.info.fillSeconds} s`})`,
  );
printTable(`Herald benchmark (scale ${scale}, ${results.durationSeconds} s)`, rows);
printCpuTable(results);
printBreakdownTable(results);
printWritePath(results);
printLogQueries(results.logQueries);
printDiskUsage(results.diskUsage);
for (const [name, message] of Object.entries(errors))
  console.log(`\nERROR in ${name}: ${message.split("\n")[0]}`);
// Each process writes one profile per thread (tsx's loader runs on its own); the busiest is the
// main one.
for (const what of config.profile) {
  const busiest = (results.profiles ?? [])
    .filter((profile) => profile.process === what)
    .sort((a, b) => busyMs(b) - busyMs(a))[0];
  if (busiest) printProfile(what, busiest);
}
console.log(`\nResults: ${writeResults(results, startedAt)} (and bench/results/latest.json)`);
process.exit(Object.keys(errors).length ? 1 : 0);
