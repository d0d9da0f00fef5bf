import { env } from "../env";
import { logger } from "../logger";
import { getRedis, queuePrefix } from "../redis";
import type { Outcome } from "../engine/record";
import { RESERVED_EVENT_PREFIX } from "../validation/event-types";
import { ingestEvents } from "../engine/ingest";

// Herald's own events, ingested into the app they concern through the normal ingest path, so
// subscribing endpoints get them signed, retried and logged like any other event. Payloads are in
// docs/observability.md. An endpoint's own notices carry its channel (herald-endpoint-<id>), which
// never matches that endpoint (lib/matching.ts): a failing endpoint is not sent its own failure.

const endpointChannel = (endpointId: string) => `herald-endpoint-${endpointId}`;
const BACKLOG_CHANNEL = "herald-backlog";

/** At most one herald.delivery.failed per endpoint per this window; the next one has the count. */
const FAILED_NOTICE_WINDOW_MS = 60_000;

/** A notice must never break what it reports on: failures to emit are logged, not thrown. */
async function emit(
  appId: string,
  name: string,
  channel: string,
  data: Record<string, unknown>,
): Promise<void> {
  try {
    await ingestEvents(appId, [{ name, channel, data: JSON.stringify(data) }]);
  } catch (error) {
    logger.warn({ err: error, appId, event: name }, "operational event not emitted");
  }
}

export function emitEndpointDisabled(
  appId: string,
  endpointId: string,
  details: { reason: string; automatic: boolean; disabledBy: string },
): Promise<void> {
  return emit(appId, "herald.endpoint.disabled", endpointChannel(endpointId), {
    appId,
    endpointId,
    ...details,
    disabledAt: new Date().toISOString(),
  });
}

function emitEndpointEnabled(appId: string, endpointId: string, enabledBy: string): Promise<void> {
  return emit(appId, "herald.endpoint.enabled", endpointChannel(endpointId), {
    appId,
    endpointId,
    enabledBy,
    enabledAt: new Date().toISOString(),
  });
}

/** An operator (or token) turned an endpoint off or on: the matching notice, if it changed. */
export async function notifyEnabledChange(
  before: { enabled: boolean },
  after: { id: string; appId: string; enabled: boolean; disabledReason: string | null },
  actor: string,
): Promise<void> {
  if (before.enabled === after.enabled) return;
  if (after.enabled) return emitEndpointEnabled(after.appId, after.id, actor);
  return emitEndpointDisabled(after.appId, after.id, {
    reason: after.disabledReason ?? `Disabled by ${actor}`,
    automatic: false,
    disabledBy: actor,
  });
}

/** Whether every event of a delivery body is Herald's own (no notices about notices). */
function onlyOperationalEvents(body: string): boolean {
  try {
    const { events } = JSON.parse(body) as { events?: { name?: unknown }[] };
    return (
      Array.isArray(events) &&
      events.every(
        (event) => typeof event.name === "string" && event.name.startsWith(RESERVED_EVENT_PREFIX),
      )
    );
  } catch {
    return false;
  }
}

/**
 * herald.delivery.failed for deliveries that gave up, at most once a minute per endpoint (across
 * workers: a Redis key with a TTL); `failedDeliveries` counts those since the previous notice.
 */
export async function notifyFailedDeliveries(
  appId: string,
  endpointId: string,
  outcomes: Outcome[],
): Promise<void> {
  const failed = outcomes.filter(
    (outcome) => outcome.status === "failed" && !onlyOperationalEvents(outcome.delivery.body),
  );
  const last = failed.at(-1);
  if (!last) return;
  try {
    const redis = getRedis();
    const countKey = `${queuePrefix()}:herald:failed-count:${endpointId}`;
    const noticeKey = `${queuePrefix()}:herald:failed-notice:${endpointId}`;
    const [[, count]] = (await redis
      .multi()
      .incrby(countKey, failed.length)
      .pexpire(countKey, FAILED_NOTICE_WINDOW_MS * 60)
      .exec()) as [[Error | null, number]];
    const due = await redis.set(noticeKey, "1", "PX", FAILED_NOTICE_WINDOW_MS, "NX");
    if (due !== "OK") return;
    await redis.decrby(countKey, count);
    await emit(appId, "herald.delivery.failed", endpointChannel(endpointId), {
      appId,
      endpointId,
      deliveryId: last.delivery.id,
      attempts: last.delivery.attemptNumber,
      lastResponseStatus: last.sent.result.status,
      lastError: last.lastError,
      failedDeliveries: count,
      windowSeconds: FAILED_NOTICE_WINDOW_MS / 1000,
    });
  } catch (error) {
    logger.warn({ err: error, endpointId }, "herald.delivery.failed not emitted");
  }
}

type AppBacklogState = {
  appId: string;
  deliveriesDue: number;
  eventsWaiting: number;
  oldestDueAgeSeconds: number;
};

/**
 * herald.backlog.stalled when an app's oldest waiting work passes HERALD_STALL_ALERT_SECONDS, and
 * herald.backlog.recovered when it is back under: once per transition across every worker (the
 * stalled apps are a Redis set; SADD and SREM say which call made the transition).
 */
export async function emitBacklogTransitions(apps: AppBacklogState[]): Promise<void> {
  const redis = getRedis();
  const key = `${queuePrefix()}:herald:stalled-apps`;
  const threshold = env.HERALD_STALL_ALERT_SECONDS;
  const stalledBefore = new Set(await redis.smembers(key));
  for (const app of apps) {
    const stalled =
      app.deliveriesDue + app.eventsWaiting > 0 && app.oldestDueAgeSeconds > threshold;
    if (stalled === stalledBefore.has(app.appId)) continue;
    const data = {
      appId: app.appId,
      deliveriesDue: app.deliveriesDue,
      eventsWaiting: app.eventsWaiting,
      oldestDueAgeSeconds: Math.round(app.oldestDueAgeSeconds),
      thresholdSeconds: threshold,
    };
    if (stalled) {
      if ((await redis.sadd(key, app.appId)) === 1)
        await emit(app.appId, "herald.backlog.stalled", BACKLOG_CHANNEL, data);
    } else if ((await redis.srem(key, app.appId)) === 1) {
      await emit(app.appId, "herald.backlog.recovered", BACKLOG_CHANNEL, data);
    }
  }
}
