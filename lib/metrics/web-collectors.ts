import { Gauge } from "prom-client";
import { logger } from "../logger";
import { backlogSnapshot, queueJobCounts } from "../services/backlog";
import { workerPresence } from "../services/worker-heartbeats";
import { metrics } from "./registry";

// The deployment-wide gauges, served by the web process only (every worker would report the
// same numbers). They read the cached backlog snapshot: a scrape costs at most one Postgres
// query every few seconds.

const globalForCollectors = globalThis as unknown as { heraldWebCollectors?: boolean };

export function registerWebCollectors(): void {
  if (globalForCollectors.heraldWebCollectors) return;
  globalForCollectors.heraldWebCollectors = true;
  const registers = [metrics().registry];
  const perApp = (
    name: string,
    help: string,
    pick: (app: Awaited<ReturnType<typeof backlogSnapshot>>["apps"][number]) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ["app"] as const,
      registers,
      async collect() {
        const snapshot = await backlogSnapshot().catch((error: unknown) => {
          logger.warn({ err: error }, "backlog metrics not read");
          return null;
        });
        this.reset();
        for (const app of snapshot?.apps ?? []) this.set({ app: app.appId }, pick(app));
      },
    });
  perApp(
    "herald_deliveries_due",
    "Deliveries whose next attempt is due now (pending or retrying)",
    (app) => app.deliveriesDue,
  );
  perApp(
    "herald_events_waiting",
    "Events stored but not yet routed to endpoints",
    (app) => app.eventsWaiting,
  );
  perApp(
    "herald_oldest_due_age_seconds",
    "Age of the oldest due delivery or unrouted event (0 when nothing waits)",
    (app) => app.oldestDueAgeSeconds,
  );
  perApp(
    "herald_endpoints_disabled",
    "Endpoints currently disabled (by an operator or automatically)",
    (app) => app.endpointsDisabled,
  );
  new Gauge({
    name: "herald_queue_jobs",
    help: "BullMQ jobs per queue and state",
    labelNames: ["queue", "state"] as const,
    registers,
    async collect() {
      const counts = await queueJobCounts().catch(() => []);
      this.reset();
      for (const { queue, state, count } of counts) this.set({ queue, state }, count);
    },
  });
  new Gauge({
    name: "herald_workers_live",
    help: "Workers whose heartbeat was seen within HERALD_WORKER_TIMEOUT_SECONDS",
    registers,
    async collect() {
      const presence = await workerPresence().catch(() => null);
      this.reset();
      if (presence) this.set(presence.live);
    },
  });
}
