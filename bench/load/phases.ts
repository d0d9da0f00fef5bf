import { createHmac } from "node:crypto";
import type { LoadResult } from "./autocannon-child";
import type { BareSenderResult } from "./bare-sender-child";
import {
  runAutocannon,
  runBareSender,
  runPacedSender,
  runRetention,
  type Receiver,
} from "./forked";
import { bulkBody, ingestInBulk, type Batching, type HeraldApi } from "./herald-api";
import {
  countEvents,
  countOlderThan,
  deliveryCounts,
  pipelineBreakdown,
  type PipelineBreakdown,
} from "./herald";
import type { PacedResult } from "./paced-sender";
import type { RetentionResult } from "./retention-child";
import { cpuDelta, cpuSeconds, round, sleep, type Component } from "./processes";
import { percentiles, type Percentiles } from "./stats";
import { startWritePathProbe, type WritePathFigures } from "./write-path";

// The measurements. Each phase uses its own app (and receiver path), so phases never see each
// other's events, and records the CPU seconds every component spent during it.

export type PhaseContext = {
  api: HeraldApi;
  receiver: Receiver;
  databaseUrl: string;
  components: () => Component[];
  phaseTimeoutMs: number;
  /** pg_stat_statements is loaded: the write path is measured per statement. */
  statementStats: boolean;
};

export type Measured<T> = T & { wallSeconds: number; cpuSeconds: Record<string, number> };

async function measure<T>(ctx: PhaseContext, run: () => Promise<T>): Promise<Measured<T>> {
  const cpuBefore = cpuSeconds(ctx.components());
  const started = Date.now();
  const result = await run();
  return {
    ...result,
    wallSeconds: round((Date.now() - started) / 1000, 2),
    cpuSeconds: cpuDelta(cpuBefore, cpuSeconds(ctx.components())),
  };
}

/** A typical single-event webhook as Herald sends it (same size and headers), signed once. */
function typicalWebhook(): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    time_ms: Date.now(),
    events: [
      {
        name: "client_event",
        channel: "private-bench",
        event: "client-bench",
        data: JSON.stringify({ s: 0 }),
        socket_id: "1234.5678",
        user_id: "bench-user",
      },
    ],
  });
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-pusher-key": "bench-key",
      "x-pusher-signature": createHmac("sha256", "bench-secret").update(body).digest("hex"),
      "webhook-id": "msg_bench",
      "webhook-timestamp": String(timestamp),
      "webhook-signature": `v1,${createHmac("sha256", "whsec").update(`msg_bench.${timestamp}.${body}`).digest("base64")}`,
      "x-herald-delivery-id": "00000000-0000-7000-8000-000000000000",
      "x-herald-attempt": "1",
    },
  };
}

/** 1. The ceiling: how many webhook POSTs per second the receiver takes from autocannon. */
export async function measureCeiling(
  ctx: PhaseContext,
  durationSeconds: number,
  connections: number,
): Promise<Measured<LoadResult>> {
  const webhook = typicalWebhook();
  return measure(ctx, () =>
    runAutocannon({
      url: ctx.receiver.url("/ceiling"),
      method: "POST",
      headers: webhook.headers,
      body: webhook.body,
      connections,
      durationSeconds,
    }),
  );
}

/**
 * 1b, 1c. The bare sender: signed webhooks from undici with `inFlight` requests in flight, one
 * event per request or a batch, against the same receiver: the limit a delivery engine could reach.
 */
export async function measureBareSender(
  ctx: PhaseContext,
  label: string,
  durationSeconds: number,
  inFlight: number,
  eventsPerRequest: number,
): Promise<Measured<BareSenderResult>> {
  return measure(ctx, () =>
    runBareSender({
      url: ctx.receiver.url(`/${label}`),
      durationSeconds,
      inFlight,
      eventsPerRequest,
    }),
  );
}

export type BulkIngestFigures = LoadResult & {
  eventsPerRequest: number;
  acceptedEvents: number;
  eventsPerSecond: number;
  storedEvents: number;
  unroutedAfterWait: number;
  routingBacklogSeconds: number;
};

/** 4a. Bulk ingest: autocannon posting 1000-event requests to an app with no endpoints. */
export async function measureBulkIngest(
  ctx: PhaseContext,
  durationSeconds: number,
  connections: number,
): Promise<Measured<BulkIngestFigures>> {
  const disabled = { enabled: false, durationMs: 50, maxBatchSize: 100 };
  const { appId } = await ctx.api.createAppWithEndpoint("ingest", null, disabled);
  const eventsPerRequest = 1000;
  const result = await measure(ctx, () =>
    runAutocannon({
      url: `${ctx.api.baseUrl}${ctx.api.ingestPath(appId)}`,
      method: "POST",
      headers: { authorization: `Bearer ${ctx.api.token}`, "content-type": "application/json" },
      // No event ids: Herald generates them, so every request's events are new.
      body: bulkBody("private-bench-ingest", 0, eventsPerRequest, false),
      connections,
      durationSeconds,
    }),
  );
  const acceptedEvents = (result.statusCodes["202"] ?? 0) * eventsPerRequest;
  const settled = await waitForRouting(ctx, appId);
  return {
    ...result,
    eventsPerRequest,
    acceptedEvents,
    eventsPerSecond: round(acceptedEvents / result.durationSeconds),
    ...settled,
  };
}

/**
 * The worker still has to route what was ingested; later phases must not pay for that backlog, so
 * wait until it is routed (or 20 s pass without progress, e.g. when the worker is broken).
 */
async function waitForRouting(ctx: PhaseContext, appId: string) {
  const started = Date.now();
  let counts = await countEvents(ctx.databaseUrl, appId);
  let lastProgressAt = Date.now();
  while (counts.unrouted > 0 && Date.now() - lastProgressAt < 20_000) {
    await sleep(500);
    const next = await countEvents(ctx.databaseUrl, appId);
    if (next.unrouted < counts.unrouted) lastProgressAt = Date.now();
    counts = next;
  }
  return {
    storedEvents: counts.stored,
    unroutedAfterWait: counts.unrouted,
    routingBacklogSeconds: round((Date.now() - started) / 1000, 1),
  };
}

export type ThroughputFigures = {
  appId: string;
  endpointId: string;
  events: number;
  delivered: number;
  complete: boolean;
  ingestSeconds: number;
  ingestEventsPerSecond: number;
  deliverySeconds: number;
  eventsPerSecond: number;
  requests: number;
  eventsPerRequest: number;
  duplicates: number;
  rejectedIngestRequests: string[];
  /** Timed from the worker's thaw, with every event already ingested (`backlog`). */
  fromBacklog: boolean;
  deliveriesByStatus: Record<string, number>;
  attemptsLogged: number;
  breakdown: PipelineBreakdown | null;
  writePath: WritePathFigures | null;
};

/**
 * Waits until the receiver has `expected` distinct events on `pathname`, no progress for 30 s, or
 * the timeout.
 */
async function waitForArrivals(ctx: PhaseContext, pathname: string, expected: number) {
  const deadline = Date.now() + ctx.phaseTimeoutMs;
  let lastProgressAt = Date.now();
  let lastCount = -1;
  for (;;) {
    const snapshot = await ctx.receiver.snapshot(pathname);
    if (snapshot.distinctEvents >= expected) return { snapshot, complete: true };
    if (snapshot.distinctEvents !== lastCount) {
      lastCount = snapshot.distinctEvents;
      lastProgressAt = Date.now();
    }
    if (Date.now() > deadline || Date.now() - lastProgressAt > 30_000)
      return { snapshot, complete: false };
    await sleep(100);
  }
}

/** Stops and resumes every worker process (SIGSTOP / SIGCONT to their process groups). */
export type WorkerFreezer = { freeze: () => void; thaw: () => void };

/**
 * 2, 2o, 3, 7. Delivered events/s, from the first ingest request to the last arrival at the
 * receiver. 2b, 3b: from the worker's thaw to the last arrival, with the events ingested before.
 */
export async function measureThroughput(
  ctx: PhaseContext,
  label: string,
  batching: Batching,
  total: number,
  ingestConcurrency: number,
  options: {
    /** ordering "channel" with every event on a channel of its own: what the head rule costs. */
    ordered?: boolean;
    /**
     * Ingest every event while the worker is frozen, then time the worker alone from its thaw to
     * the last arrival: its delivery rate with nothing else competing for the machine's cores.
     */
    backlog?: WorkerFreezer;
  } = {},
): Promise<Measured<ThroughputFigures>> {
  const { ordered = false, backlog } = options;
  const pathname = `/${label}`;
  const { appId, endpointId } = await ctx.api.createAppWithEndpoint(
    label,
    ctx.receiver.url(pathname),
    batching,
    ordered ? "channel" : "none",
  );
  const ingestAll = () =>
    ingestInBulk(ctx.api, appId, {
      total,
      perRequest: 1000,
      concurrency: ingestConcurrency,
      channel: `private-bench-${label}`,
      channelPerEvent: ordered,
    });
  let queued: Awaited<ReturnType<typeof ingestAll>> | null = null;
  if (backlog) {
    backlog.freeze();
    try {
      queued = await ingestAll();
    } catch (error) {
      backlog.thaw();
      throw error;
    }
  }
  const probe = await startWritePathProbe(ctx.databaseUrl, ctx.statementStats);
  const figures = await measure(ctx, async () => {
    let ingest: Awaited<ReturnType<typeof ingestAll>>;
    let startedAtMs: number;
    if (queued) {
      startedAtMs = Date.now();
      backlog!.thaw();
      ingest = queued;
    } else {
      ingest = await ingestAll();
      startedAtMs = ingest.firstSentAtMs;
    }
    const { snapshot, complete } = await waitForArrivals(ctx, pathname, ingest.events);
    const ingestSeconds = (ingest.lastAcceptedAtMs - ingest.firstSentAtMs) / 1000;
    const deliverySeconds = ((snapshot.lastArrivalMs ?? Date.now()) - startedAtMs) / 1000;
    return {
      events: ingest.events,
      delivered: snapshot.distinctEvents,
      complete,
      ingestSeconds: round(ingestSeconds, 2),
      ingestEventsPerSecond: round(ingest.events / ingestSeconds),
      deliverySeconds: round(deliverySeconds, 2),
      eventsPerSecond: round(snapshot.distinctEvents / deliverySeconds),
      requests: snapshot.requests,
      eventsPerRequest: round(snapshot.events / Math.max(1, snapshot.requests), 1),
      duplicates: snapshot.duplicates,
      rejectedIngestRequests: ingest.rejected.slice(0, 5),
      fromBacklog: Boolean(queued),
    };
  });
  // Give the worker a moment to write the last attempts before checking every request was logged.
  await sleep(1000);
  const writePath = await probe.finish(figures.delivered).catch((error: Error) => {
    console.error(`  write-path statistics not read: ${error.message}`);
    return null;
  });
  const counts = await deliveryCounts(ctx.databaseUrl, endpointId!);
  // Read again now, so requests seen and attempts logged cover the same moment.
  figures.requests = (await ctx.receiver.snapshot(pathname)).requests;
  const breakdown = await pipelineBreakdown(ctx.databaseUrl, endpointId!).catch(() => null);
  return {
    ...figures,
    appId,
    endpointId: endpointId!,
    deliveriesByStatus: counts.deliveriesByStatus,
    attemptsLogged: counts.attempts,
    breakdown,
    writePath,
  };
}

export type LatencyFigures = {
  ingest: PacedResult;
  endToEndMs: Percentiles;
  delivered: number;
  complete: boolean;
  breakdown: PipelineBreakdown | null;
};

/**
 * 4b + 5. Single-event ingest requests at a steady rate: request latency and ingest-to-arrival
 * latency.
 */
export async function measureLatency(
  ctx: PhaseContext,
  ratePerSecond: number,
  durationSeconds: number,
): Promise<Measured<LatencyFigures>> {
  const pathname = "/latency";
  const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };
  const { appId, endpointId } = await ctx.api.createAppWithEndpoint(
    "latency",
    ctx.receiver.url(pathname),
    unbatched,
  );
  const figures = await measure(ctx, async () => {
    const ingest = await runPacedSender({
      url: `${ctx.api.baseUrl}${ctx.api.ingestPath(appId)}`,
      token: ctx.api.token,
      ratePerSecond,
      durationSeconds,
      channel: "private-bench-latency",
      firstSequence: 0,
    });
    const { snapshot, complete } = await waitForArrivals(ctx, pathname, ingest.accepted);
    const endToEndMs = percentiles(await ctx.receiver.latencies(pathname));
    return { ingest, endToEndMs, delivered: snapshot.distinctEvents, complete };
  });
  await sleep(500);
  return {
    ...figures,
    breakdown: await pipelineBreakdown(ctx.databaseUrl, endpointId!).catch(() => null),
  };
}

/** A short run through the whole pipeline: proves the worker is up and warms pools and JIT. */
export async function warmUp(ctx: PhaseContext, events: number, timeoutMs: number): Promise<void> {
  const pathname = "/warm-up";
  const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };
  const { appId } = await ctx.api.createAppWithEndpoint(
    "warmup",
    ctx.receiver.url(pathname),
    unbatched,
  );
  await ingestInBulk(ctx.api, appId, {
    total: events,
    perRequest: 100,
    concurrency: 2,
    channel: "private-bench-warmup",
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await ctx.receiver.snapshot(pathname)).distinctEvents >= events) return;
    await sleep(200);
  }
  const got = (await ctx.receiver.snapshot(pathname)).distinctEvents;
  throw new Error(
    `warm-up: the receiver got ${got} of ${events} events within ${timeoutMs / 1000} s; is the worker delivering?`,
  );
}

export type RetentionFigures = RetentionResult & {
  /**
   * Rows older than the cutoff (deliveries and attempts: than the report's logCutoff) still there
   * after the run: the backlog retention left behind.
   */
  leftBehind: { events: number; deliveries: number; attempts: number };
};

/**
 * The retention job as it runs on the days after the history ends: the first run (not measured)
 * prunes what the cutoff passed first, a part of the oldest day on a pre-filled log; the next
 * day's run, measured, prunes one whole day. Then what it left behind that was older than its
 * cutoff.
 */
export async function measureRetention(
  ctx: PhaseContext,
  heraldEnv: NodeJS.ProcessEnv,
  nowMs: number,
): Promise<Measured<RetentionFigures>> {
  await runRetention({ nowMs }, heraldEnv);
  const result = await measure(ctx, () => runRetention({ nowMs: nowMs + 86_400_000 }, heraldEnv));
  const leftBehind = await countOlderThan(
    ctx.databaseUrl,
    new Date(result.cutoff),
    new Date(result.report.logCutoff),
  );
  return { ...result, leftBehind };
}
