import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

// One registry per process. Labels are app ids and endpoint ids only, both bounded by
// configuration; channel names, event ids and URLs never become labels (docs/observability.md).

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    eventsIngested: new Counter({
      name: "herald_events_ingested_total",
      help: "Events received by the intake routes: accepted, duplicate (already stored) or rejected (requests refused with a 4xx/5xx)",
      labelNames: ["app", "route", "result"] as const,
      registers,
    }),
    deliveries: new Counter({
      name: "herald_deliveries_total",
      help: "Attempts recorded by the engine, by the delivery's state after them: succeeded, retrying or failed (gave up)",
      labelNames: ["app", "endpoint", "outcome"] as const,
      registers,
    }),
    attemptDuration: new Histogram({
      name: "herald_attempt_duration_seconds",
      help: "Time from sending a request to its response (or error)",
      labelNames: ["app", "endpoint"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    deliveryLag: new Histogram({
      name: "herald_delivery_lag_seconds",
      help: "Time from the first event of a delivery being received to the delivery's first attempt",
      labelNames: ["app"] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    }),
    directDeliveries: new Gauge({
      name: "herald_worker_direct_deliveries",
      help: "New deliveries this worker claimed while routing (the direct path) and has not yet recorded: in flight or waiting for a request slot",
      registers,
    }),
    workerUp: new Gauge({
      name: "herald_worker_up",
      help: "1 while this worker process takes jobs, 0 while it stops",
      registers,
    }),
  };
}

export type HeraldMetrics = ReturnType<typeof createMetrics>;

// On globalThis: the web server's esbuild bundle and Next's route bundles each hold a copy of
// this module, and both must count into the registry that /api/metrics serves.
const globalForMetrics = globalThis as unknown as { heraldMetrics?: HeraldMetrics };

export function metrics(): HeraldMetrics {
  globalForMetrics.heraldMetrics ??= createMetrics();
  return globalForMetrics.heraldMetrics;
}
