import { hotQuery } from "../pg";
import { getQueue } from "../jobs/queues";
import { QUEUES } from "../jobs/definitions";
import { emitBacklogTransitions } from "./operational-events";

// What is waiting for a worker, per app: deliveries due now (pending or retrying, next attempt
// reached) and events not yet routed. Read from Postgres at most once per CACHE_MS per process,
// however often Prometheus, readiness probes and dashboards ask.

const CACHE_MS = 3000;

export type AppBacklog = {
  appId: string;
  deliveriesDue: number;
  eventsWaiting: number;
  /** Seconds since the oldest of them became due (a delivery) or arrived (an event). */
  oldestDueAgeSeconds: number;
  endpointsDisabled: number;
};

export type BacklogSnapshot = { takenAt: number; apps: AppBacklog[] };

type BacklogRow = {
  app_id: string;
  deliveries_due: string;
  events_waiting: string;
  oldest_due_age: number | null;
  endpoints_disabled: string;
};

// Every app appears (with zeros), so gauges of an app whose backlog cleared go back to 0.
const BACKLOG_SQL = `
  WITH due AS (
    SELECT app_id, count(*) AS n, min(next_attempt_at) AS oldest FROM deliveries
    WHERE status IN ('pending', 'retrying') AND next_attempt_at <= now() AT TIME ZONE 'UTC'
    GROUP BY app_id
  ), waiting AS (
    -- The oldest waiting event read by its seq alone: joined to events, this read all of them
    -- whenever the planner took the waiting rows for many (1.2 s at 4.5M events, every run).
    SELECT u.app_id, count(*) AS n, (SELECT e.received_at FROM events e WHERE e.seq = min(u.seq)) AS oldest
    FROM unrouted_events u
    GROUP BY u.app_id
  ), disabled AS (
    SELECT app_id, count(*) AS n FROM endpoints WHERE NOT enabled GROUP BY app_id
  )
  SELECT a.id AS app_id, coalesce(due.n, 0) AS deliveries_due, coalesce(waiting.n, 0) AS events_waiting,
    extract(epoch FROM (now() AT TIME ZONE 'UTC') - least(due.oldest, waiting.oldest))::float8 AS oldest_due_age,
    coalesce(disabled.n, 0) AS endpoints_disabled
  FROM apps a
  LEFT JOIN due ON due.app_id = a.id
  LEFT JOIN waiting ON waiting.app_id = a.id
  LEFT JOIN disabled ON disabled.app_id = a.id
  ORDER BY a.id`;

const globalForBacklog = globalThis as unknown as {
  heraldBacklog?: { snapshot: BacklogSnapshot | null; pending: Promise<BacklogSnapshot> | null };
};

/** The cached snapshot, refreshed when older than CACHE_MS (concurrent callers share one read). */
export function backlogSnapshot(now = Date.now()): Promise<BacklogSnapshot> {
  const state = (globalForBacklog.heraldBacklog ??= { snapshot: null, pending: null });
  if (state.snapshot && now - state.snapshot.takenAt < CACHE_MS)
    return Promise.resolve(state.snapshot);
  state.pending ??= readBacklog()
    .then((snapshot) => (state.snapshot = snapshot))
    .finally(() => (state.pending = null));
  return state.pending;
}

async function readBacklog(): Promise<BacklogSnapshot> {
  const rows = await hotQuery<BacklogRow>(BACKLOG_SQL, []);
  return {
    takenAt: Date.now(),
    apps: rows.map((row) => ({
      appId: row.app_id,
      deliveriesDue: Number(row.deliveries_due),
      eventsWaiting: Number(row.events_waiting),
      oldestDueAgeSeconds: Math.max(0, row.oldest_due_age ?? 0),
      endpointsDisabled: Number(row.endpoints_disabled),
    })),
  };
}

const JOB_STATES = ["waiting", "active", "delayed", "prioritized", "waiting-children"] as const;

export type QueueJobCount = { queue: string; state: string; count: number };

const globalForQueueCounts = globalThis as unknown as {
  heraldQueueCounts?: { takenAt: number; counts: Promise<QueueJobCount[]> };
};

/** Jobs per queue and state, read from Redis at most once per CACHE_MS. */
export function queueJobCounts(now = Date.now()): Promise<QueueJobCount[]> {
  const cached = globalForQueueCounts.heraldQueueCounts;
  if (cached && now - cached.takenAt < CACHE_MS) return cached.counts;
  const counts = Promise.all(
    Object.values(QUEUES).map(async (queue) => {
      const byState = await getQueue(queue).getJobCounts(...JOB_STATES);
      return JOB_STATES.map((state) => ({ queue, state, count: byState[state] ?? 0 }));
    }),
  ).then((perQueue) => perQueue.flat());
  globalForQueueCounts.heraldQueueCounts = { takenAt: now, counts };
  // A failed read is not cached: the next scrape tries again.
  counts.catch(() => (globalForQueueCounts.heraldQueueCounts = undefined));
  return counts;
}

/** The maintenance task's check: operational events for apps whose backlog stalled or recovered. */
export async function checkBacklogAlerts(): Promise<void> {
  const snapshot = await backlogSnapshot();
  await emitBacklogTransitions(snapshot.apps);
}
