import { env } from "../env";
import { withTimeout } from "../timeout";
import { backlogSnapshot, type AppBacklog } from "./backlog";
import { checkHealth } from "./health";
import { workerPresence, type WorkerPresence } from "./worker-heartbeats";

export type ReadinessReport = {
  status: "ok" | "degraded";
  /** Why it is degraded, in words an operator can act on; empty when ok. */
  problems: string[];
  postgres: boolean;
  redis: boolean;
  workers: WorkerPresence | null;
  backlog: BacklogTotals | null;
  stallAlertSeconds: number;
};

const CHECK_TIMEOUT_MS = 2000;

type BacklogTotals = {
  deliveriesDue: number;
  eventsWaiting: number;
  oldestDueAgeSeconds: number;
};

function totalBacklog(apps: AppBacklog[]): BacklogTotals {
  return {
    deliveriesDue: apps.reduce((sum, app) => sum + app.deliveriesDue, 0),
    eventsWaiting: apps.reduce((sum, app) => sum + app.eventsWaiting, 0),
    oldestDueAgeSeconds: apps.reduce((oldest, app) => Math.max(oldest, app.oldestDueAgeSeconds), 0),
  };
}

/** Problems of a backlog with this many live workers; shared by readiness and an app's view. */
export function backlogProblems(
  backlog: BacklogTotals,
  liveWorkers: number,
  stallAlertSeconds = env.HERALD_STALL_ALERT_SECONDS,
): string[] {
  const { deliveriesDue, eventsWaiting, oldestDueAgeSeconds } = backlog;
  if (deliveriesDue + eventsWaiting === 0) return [];
  const problems: string[] = [];
  if (liveWorkers === 0) problems.push(`No worker is running: ${waitingText(backlog)}`);
  if (oldestDueAgeSeconds > stallAlertSeconds)
    problems.push(
      `Delivery is stalled: the oldest waiting work is ${Math.round(oldestDueAgeSeconds)} s old (alert after ${stallAlertSeconds} s)`,
    );
  return problems;
}

function waitingText({ deliveriesDue, eventsWaiting }: BacklogTotals): string {
  const parts = [
    deliveriesDue > 0 ? `${deliveriesDue} ${deliveriesDue === 1 ? "delivery" : "deliveries"}` : "",
    eventsWaiting > 0 ? `${eventsWaiting} ${eventsWaiting === 1 ? "event" : "events"}` : "",
  ].filter(Boolean);
  return `${parts.join(" and ")} ${deliveriesDue + eventsWaiting === 1 ? "is" : "are"} waiting`;
}

/**
 * Readiness: Postgres and Redis answer, and the engine keeps up (a worker is alive while work is
 * due, and nothing due has waited past HERALD_STALL_ALERT_SECONDS).
 */
export async function checkReadiness(): Promise<ReadinessReport> {
  const [health, workers, snapshot] = await Promise.all([
    checkHealth(),
    withTimeout(workerPresence(), CHECK_TIMEOUT_MS).catch(() => null),
    withTimeout(backlogSnapshot(), CHECK_TIMEOUT_MS).catch(() => null),
  ]);
  const backlog = snapshot ? totalBacklog(snapshot.apps) : null;
  const problems: string[] = [];
  if (!health.postgres) problems.push("Postgres does not answer");
  if (!health.redis) problems.push("Redis does not answer");
  if (backlog && workers) problems.push(...backlogProblems(backlog, workers.live));
  return {
    status: problems.length === 0 ? "ok" : "degraded",
    problems,
    postgres: health.postgres,
    redis: health.redis,
    workers,
    backlog,
    stallAlertSeconds: env.HERALD_STALL_ALERT_SECONDS,
  };
}

export type AppBacklogReport = Omit<AppBacklog, "appId"> & {
  workers: WorkerPresence;
  problems: string[];
};

/** One app's backlog and the deployment's workers, for the app's Overview. */
export async function appBacklog(appId: string): Promise<AppBacklogReport> {
  const [snapshot, workers] = await Promise.all([backlogSnapshot(), workerPresence()]);
  const app = snapshot.apps.find((candidate) => candidate.appId === appId) ?? {
    appId,
    deliveriesDue: 0,
    eventsWaiting: 0,
    oldestDueAgeSeconds: 0,
    endpointsDisabled: 0,
  };
  const { appId: _appId, ...counts } = app;
  return { ...counts, workers, problems: backlogProblems(totalBacklog([app]), workers.live) };
}
