import type { LoadResult } from "./autocannon-child";
import type { BareSenderResult } from "./bare-sender-child";
import type { DiskUsage, LogQueryFigures } from "./log-queries";
import { DELIVERY_PHASES, LOG_QUERY_TARGET_MS } from "./log-report";
import type {
  BulkIngestFigures,
  LatencyFigures,
  Measured,
  RetentionFigures,
  ThroughputFigures,
} from "./phases";
import type { PrefillInfo } from "./prefill";
import type { ProfileSummary } from "./profile-summary";
import { round } from "./processes";
import { printColumns, type machineInfo, type Row } from "./report";

// Turns the measured phases into the table rows (figure, target, pass/fail) and the ratios.

export type Results = {
  startedAt: string;
  finishedAt?: string;
  durationSeconds?: number;
  machine: ReturnType<typeof machineInfo> & { loadAverageAtStart: number[] };
  config: Record<string, unknown>;
  build: string;
  prefill: (PrefillInfo & { reused: boolean }) | null;
  errors: Record<string, string>;
  /** Seconds until the worker's start-up work (its first retention run) left the database quiet. */
  startupWorkSeconds?: number | null;
  ceiling?: Measured<LoadResult> | null;
  bareSender?: Measured<BareSenderResult> | null;
  bareSenderBatched?: Measured<BareSenderResult> | null;
  bulkIngest?: Measured<BulkIngestFigures> | null;
  unbatched?: Measured<ThroughputFigures> | null;
  unbatchedOrdered?: Measured<ThroughputFigures> | null;
  batched?: Measured<ThroughputFigures> | null;
  unbatchedBacklog?: Measured<ThroughputFigures> | null;
  batchedBacklog?: Measured<ThroughputFigures> | null;
  latency?: Measured<LatencyFigures> | null;
  unbatchedTwoWorkers?: Measured<ThroughputFigures> | null;
  batchedTwoWorkers?: Measured<ThroughputFigures> | null;
  logQueries?: LogQueryFigures | null;
  diskUsage?: DiskUsage | null;
  retention?: Measured<RetentionFigures> | null;
  memory?: Record<string, { peakMiB: number; lastMiB: number }>;
  profiles?: (ProfileSummary & { process: string })[];
  ratios?: Record<string, number | null>;
  table?: Row[];
};

const ratio = (numerator: number | undefined, denominator: number | undefined) =>
  numerator !== undefined && denominator ? round(numerator / denominator, 3) : null;

const throughputNote = (figures: ThroughputFigures | null | undefined) => {
  if (!figures) return "not measured";
  const parts = [
    `${figures.delivered}/${figures.events} in ${figures.deliverySeconds} s`,
    `${figures.eventsPerRequest} ev/req`,
  ];
  parts.push(
    figures.fromBacklog
      ? `timed from the worker's thaw; ingested before at ${figures.ingestEventsPerSecond}/s`
      : `ingest ${figures.ingestEventsPerSecond}/s`,
  );
  if (!figures.complete) parts.push("INCOMPLETE (timeout)");
  if (figures.duplicates) parts.push(`${figures.duplicates} duplicates`);
  parts.push(`${figures.attemptsLogged} attempts logged for ${figures.requests} requests`);
  return parts.join("; ");
};

/** CPU microseconds a component (or every worker) spent per delivered event in a phase. */
function cpuPerEvent(
  figures: Measured<ThroughputFigures> | null | undefined,
  component: "postgres" | "worker",
): number | null {
  if (!figures?.delivered) return null;
  const seconds = Object.entries(figures.cpuSeconds)
    .filter(([name]) => (component === "worker" ? name.startsWith("worker-") : name === component))
    .reduce((sum, [, value]) => sum + value, 0);
  return round((seconds * 1e6) / figures.delivered, 1);
}

const bareNote = (figures: Measured<BareSenderResult> | null | undefined) =>
  figures
    ? `${figures.ok2xx} requests in ${round(figures.durationSeconds, 1)} s (${round(figures.requestsPerSecond)}/s), p99 ${figures.latencyMs.p99} ms${figures.failed ? `, ${figures.failed} failed` : ""}`
    : "not measured";

export function buildRows(results: Results): {
  rows: Row[];
  ratios: Record<string, number | null>;
} {
  const ceiling = results.ceiling?.requestsPerSecond;
  const bare = results.bareSender?.eventsPerSecond;
  const bareBatched = results.bareSenderBatched?.eventsPerSecond;
  const unbatched = results.unbatched?.eventsPerSecond;
  const batched = results.batched?.eventsPerSecond;
  const ratios = {
    unbatchedOverBareSender: ratio(unbatched, bare),
    batchedOverBareSender: ratio(batched, bare),
    batchedOverBareSenderBatched: ratio(batched, bareBatched),
    unbatchedOverCeiling: ratio(unbatched, ceiling),
    bareSenderOverCeiling: ratio(bare, ceiling),
    batchedOverUnbatched: ratio(batched, unbatched),
    orderedOverUnbatched: ratio(results.unbatchedOrdered?.eventsPerSecond, unbatched),
    twoWorkersOverOneUnbatched: ratio(results.unbatchedTwoWorkers?.eventsPerSecond, unbatched),
    twoWorkersOverOneBatched: ratio(results.batchedTwoWorkers?.eventsPerSecond, batched),
    unbatchedBacklogOverBareSender: ratio(results.unbatchedBacklog?.eventsPerSecond, bare),
    batchedBacklogOverBareSender: ratio(results.batchedBacklog?.eventsPerSecond, bare),
  };
  const latency = results.latency;
  const workerPeak =
    Math.max(0, ...Object.values(results.memory ?? {}).map((memory) => memory.peakMiB)) || null;
  const value = (figure: number | undefined | null) =>
    figure === undefined || figure === null ? null : figure;
  const rows: Row[] = [
    {
      figure: "1. Ceiling: receiver, autocannon",
      value: value(ceiling),
      unit: "req/s",
      note: results.ceiling
        ? `${results.ceiling.requests} requests, p99 ${results.ceiling.latencyMs.p99} ms, ${results.ceiling.non2xx + results.ceiling.errors} errors`
        : "not measured",
    },
    {
      figure: "1b. Bare sender (undici, signed, 1/req)",
      value: value(bare),
      unit: "events/s",
      note: bareNote(results.bareSender),
    },
    {
      figure: "1c. Bare sender, batched (100/req)",
      value: value(bareBatched),
      unit: "events/s",
      note: bareNote(results.bareSenderBatched),
    },
    {
      figure: "2. Unbatched delivered",
      value: value(unbatched),
      unit: "events/s",
      target: bare ? { op: ">=", value: round(bare * 0.45) } : undefined,
      note: throughputNote(results.unbatched),
    },
    {
      figure: "   ratio 2 / 1b (unbatched / bare sender)",
      value: ratios.unbatchedOverBareSender,
      unit: "",
      target: { op: ">=", value: 0.45 },
    },
    {
      figure: "   ratio 2 / 1 (unbatched / ceiling)",
      value: ratios.unbatchedOverCeiling,
      unit: "",
    },
    {
      figure: "   Postgres CPU per unbatched event",
      value: cpuPerEvent(results.unbatched, "postgres"),
      unit: "µs",
      target: { op: "<=", value: 50 },
    },
    {
      figure: "   Worker CPU per unbatched event",
      value: cpuPerEvent(results.unbatched, "worker"),
      unit: "µs",
    },
    {
      figure: '2o. Unbatched, ordering "channel" (a channel per event)',
      value: value(results.unbatchedOrdered?.eventsPerSecond),
      unit: "events/s",
      note: throughputNote(results.unbatchedOrdered),
    },
    {
      figure: "   ratio 2o / 2 (ordered / unbatched)",
      value: ratios.orderedOverUnbatched,
      unit: "",
      target: { op: ">=", value: 0.8 },
    },
    {
      figure: "   Postgres CPU per ordered event",
      value: cpuPerEvent(results.unbatchedOrdered, "postgres"),
      unit: "µs",
    },
    {
      figure: "3. Batched delivered (50 ms, 100)",
      value: value(batched),
      unit: "events/s",
      target: bare ? { op: ">=", value: round(bare * 2) } : undefined,
      note: throughputNote(results.batched),
    },
    {
      figure: "   ratio 3 / 1b (batched / bare sender)",
      value: ratios.batchedOverBareSender,
      unit: "x",
      target: { op: ">=", value: 2 },
    },
    {
      figure: "   ratio 3 / 1c (batched / bare batched)",
      value: ratios.batchedOverBareSenderBatched,
      unit: "x",
    },
    {
      figure: "   ratio 3 / 2 (batched / unbatched)",
      value: ratios.batchedOverUnbatched,
      unit: "x",
    },
    {
      figure: "   Postgres CPU per batched event",
      value: cpuPerEvent(results.batched, "postgres"),
      unit: "µs",
    },
    {
      figure: "   Worker CPU per batched event",
      value: cpuPerEvent(results.batched, "worker"),
      unit: "µs",
    },
    // The worker alone: the same deliveries with ingest done before the clock starts.
    {
      figure: "2b. Unbatched delivered from a backlog",
      value: value(results.unbatchedBacklog?.eventsPerSecond),
      unit: "events/s",
      note: throughputNote(results.unbatchedBacklog),
    },
    {
      figure: "   ratio 2b / 1b (unbatched backlog / bare)",
      value: ratios.unbatchedBacklogOverBareSender,
      unit: "x",
      target: { op: ">=", value: 0.45 },
    },
    {
      figure: "   Postgres CPU per unbatched backlog event",
      value: cpuPerEvent(results.unbatchedBacklog, "postgres"),
      unit: "µs",
    },
    {
      figure: "   Worker CPU per unbatched backlog event",
      value: cpuPerEvent(results.unbatchedBacklog, "worker"),
      unit: "µs",
    },
    {
      figure: "3b. Batched delivered from a backlog",
      value: value(results.batchedBacklog?.eventsPerSecond),
      unit: "events/s",
      note: throughputNote(results.batchedBacklog),
    },
    {
      figure: "   ratio 3b / 1b (batched backlog / bare)",
      value: ratios.batchedBacklogOverBareSender,
      unit: "x",
      target: { op: ">=", value: 2 },
    },
    {
      figure: "   Postgres CPU per batched backlog event",
      value: cpuPerEvent(results.batchedBacklog, "postgres"),
      unit: "µs",
    },
    {
      figure: "   Worker CPU per batched backlog event",
      value: cpuPerEvent(results.batchedBacklog, "worker"),
      unit: "µs",
    },
    {
      figure: "4. Bulk ingest accepted",
      value: value(results.bulkIngest?.eventsPerSecond),
      unit: "events/s",
      target: { op: ">=", value: 10_000 },
      note: results.bulkIngest
        ? `${results.bulkIngest.acceptedEvents} accepted (${results.bulkIngest.storedEvents} stored), request p50 ${results.bulkIngest.latencyMs.p50} ms, p99 ${results.bulkIngest.latencyMs.p99} ms, ${results.bulkIngest.non2xx} non-2xx; backlog routed ${results.bulkIngest.unroutedAfterWait ? "NOT all " : ""}after ${results.bulkIngest.routingBacklogSeconds} s`
        : "not measured",
    },
    {
      figure: "4. Single-event ingest p50",
      value: value(latency?.ingest.latencyMs.p50),
      unit: "ms",
      note: latency
        ? `${latency.ingest.accepted}/${latency.ingest.sent} accepted; sent at ${round(latency.ingest.achievedRatePerSecond)}/s, answered at ${round(latency.ingest.completedRatePerSecond)}/s`
        : "not measured",
    },
    {
      figure: "4. Single-event ingest p99",
      value: value(latency?.ingest.latencyMs.p99),
      unit: "ms",
      target: { op: "<=", value: 20 },
    },
    {
      figure: "5. End-to-end p50 (200/s, unbatched)",
      value: value(latency?.endToEndMs.p50),
      unit: "ms",
    },
    { figure: "5. End-to-end p95", value: value(latency?.endToEndMs.p95), unit: "ms" },
    {
      figure: "5. End-to-end p99",
      value: value(latency?.endToEndMs.p99),
      unit: "ms",
      target: { op: "<=", value: 100 },
      note: latency
        ? `${latency.delivered}/${latency.ingest.accepted} arrived, max ${latency.endToEndMs.max} ms${latency.complete ? "" : ", INCOMPLETE"}`
        : undefined,
    },
    {
      figure: "6. Worker peak RSS",
      value: workerPeak,
      unit: "MiB",
      target: { op: "<=", value: 300 },
      note: Object.entries(results.memory ?? {})
        .map(([name, memory]) => `${name} ${memory.peakMiB} MiB`)
        .join(", "),
    },
    {
      figure: "7. Unbatched, 2 workers",
      value: value(results.unbatchedTwoWorkers?.eventsPerSecond),
      unit: "events/s",
      note: throughputNote(results.unbatchedTwoWorkers),
    },
    {
      figure: "   ratio 2 workers / 1 (unbatched)",
      value: ratios.twoWorkersOverOneUnbatched,
      unit: "x",
    },
    {
      figure: "7. Batched, 2 workers",
      value: value(results.batchedTwoWorkers?.eventsPerSecond),
      unit: "events/s",
      note: throughputNote(results.batchedTwoWorkers),
    },
    {
      figure: "   ratio 2 workers / 1 (batched)",
      value: ratios.twoWorkersOverOneBatched,
      unit: "x",
    },
    ...logRows(results),
  ];
  return { rows, ratios };
}

/** The delivery log as it grows: the slowest API query, retention, bytes on disk. */
function logRows(results: Results): Row[] {
  const queries = results.logQueries?.queries ?? [];
  const slowest = [...queries].sort((a, b) => b.warmMedianMs - a.warmMedianMs)[0];
  const retention = results.retention;
  const left = retention?.leftBehind;
  const disk = results.diskUsage;
  return [
    {
      figure: "8. Log API: slowest query (warm)",
      value: slowest?.warmMedianMs ?? null,
      unit: "ms",
      target: { op: "<=", value: LOG_QUERY_TARGET_MS },
      note: slowest
        ? `${slowest.name} (cold ${slowest.coldMs} ms); ${queries.filter((query) => query.warmMedianMs > LOG_QUERY_TARGET_MS).length} of ${queries.length} queries over ${LOG_QUERY_TARGET_MS} ms`
        : "not measured",
    },
    {
      figure: "9. Bytes on disk per delivered event",
      value: disk?.bytesPerDeliveredEvent ?? null,
      unit: "B",
      target: { op: "<=", value: 1200 },
      note: disk
        ? `${round(disk.totalBytes / 1024 ** 2)} MiB for ${disk.deliveredEvents} delivered events`
        : "not measured",
    },
    {
      figure: "10. Retention run, a whole day",
      value: retention ? round(retention.seconds, 2) : null,
      unit: "s",
      target: { op: "<=", value: 1 },
      note:
        retention && left
          ? `dropped ${retention.report.partitions ?? 0} day partitions; deleted ${retention.report.deliveries} deliveries (their attempts with them), ${retention.report.events} events, ${retention.report.rollups} rollup rows in ${retention.report.batches} batches${retention.report.done ? "" : ", out of time"} (cutoff ${retention.cutoff})`
          : "not measured",
    },
    {
      figure: "   rows older than the cutoff left behind",
      value: left ? left.deliveries + left.attempts + left.events : null,
      unit: "rows",
      target: { op: "<=", value: 0 },
      note: left
        ? `${left.deliveries} deliveries, ${left.attempts} attempts, ${left.events} events`
        : undefined,
    },
  ];
}

/** Per-stage p50/p99 of each delivery phase, from the engine's own rows. */
export function printBreakdownTable(results: Results): void {
  const phases = ([...DELIVERY_PHASES, "latency"] as const).flatMap((name) => {
    const breakdown = results[name]?.breakdown;
    return breakdown ? [[name, breakdown] as const] : [];
  });
  if (!phases.length) return;
  const stages = ["routeMs", "queueMs", "httpMs", "recordMs"] as const;
  const cell = (stage: { p50: number | null; p99: number | null }) =>
    `${stage.p50 ?? "-"} / ${stage.p99 ?? "-"}`;
  const header = [
    "ms p50 / p99",
    "route (stored->delivery)",
    "queue (delivery->attempt)",
    "http",
    "record",
  ];
  const lines = phases.map(([name, breakdown]) => [
    name,
    ...stages.map((stage) => cell(breakdown[stage])),
  ]);
  printColumns(
    "Where an event's time went (first attempts, from Postgres rows; route includes the batch window when batching)",
    header,
    lines,
  );
}

/** CPU seconds per component and phase: where the machine's two cores went. */
export function printCpuTable(results: Results): void {
  type Timed = { wallSeconds: number; cpuSeconds: Record<string, number> };
  const phases: [string, Timed][] = [];
  for (const name of [
    "ceiling",
    "bareSender",
    "bareSenderBatched",
    "bulkIngest",
    ...DELIVERY_PHASES,
    "latency",
  ] as const) {
    const phase = results[name];
    if (phase) phases.push([name, phase]);
  }
  if (!phases.length) return;
  const names = [...new Set(phases.flatMap(([, phase]) => Object.keys(phase.cpuSeconds)))];
  const header = ["CPU seconds", "wall s", ...names];
  const lines = phases.map(([name, phase]) => [
    name,
    String(phase.wallSeconds),
    ...names.map((component) => String(phase.cpuSeconds[component] ?? "")),
  ]);
  printColumns(
    "Where the CPU went (seconds per phase; 2 cores = 2 CPU-seconds per wall second; postgres = backends of the benchmark database)",
    header,
    lines,
  );
}
