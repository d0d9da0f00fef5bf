import { Redis } from "ioredis";
import pg from "pg";
import { uuidAtTime } from "../../lib/util";
import { prepareDatabase } from "../../lib/migrations";
import { BUILD_DIR } from "./build";
import { sleep, startProcess, type Started } from "./processes";

// Herald under test: its own database and queue prefix, the benchmark's own production build
// (bench/load/build.ts) served by server/start.mjs (as `npm start` does), and worker processes, all
// with a fixed configuration.

export const BENCH_TOKEN = "herald-bench-bootstrap-token-0123456789";
export const BENCH_ENCRYPTION_KEY = Buffer.from("herald-benchmark-encryption-key!").toString(
  "base64",
);

export type HeraldConfig = {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  webPort: number;
  extraEnv: Record<string, string>;
};

export function heraldEnv(config: HeraldConfig): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    HERALD_SKIP_DOTENV: "1",
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    HERALD_QUEUE_PREFIX: config.queuePrefix,
    PORT: String(config.webPort),
    HERALD_API_TOKEN: BENCH_TOKEN,
    HERALD_ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY,
    HERALD_ALLOWED_DESTINATIONS: "127.0.0.1",
    HERALD_LOG_LEVEL: "warn",
    NEXTAUTH_SECRET: "herald-benchmark-nextauth-secret",
    NEXTAUTH_URL: `http://127.0.0.1:${config.webPort}`,
    ...config.extraEnv,
  };
}

export const databaseName = (databaseUrl: string) =>
  decodeURIComponent(new URL(databaseUrl).pathname.slice(1));

/** The same server's `postgres` database, for CREATE/DROP DATABASE. */
export function adminUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = "/postgres";
  return url.toString();
}

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * A fresh database each run, so earlier runs' rows (and bloat) never skew the figures: empty, or a
 * file copy of a pre-filled template (bench/load/prefill.ts); then migrated to the current schema.
 */
export async function resetDatabase(databaseUrl: string, template?: string): Promise<void> {
  const name = quoteIdent(databaseName(databaseUrl));
  const admin = new pg.Client({ connectionString: adminUrl(databaseUrl) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    // FILE_COPY copies the files after a checkpoint instead of writing every page to the WAL.
    if (template)
      await admin.query(
        `CREATE DATABASE ${name} TEMPLATE ${quoteIdent(template)} STRATEGY FILE_COPY`,
      );
  } finally {
    await admin.end();
  }
  await prepareDatabase(databaseUrl);
}

/**
 * Waits until no other session of the benchmark's database has run a statement for `quietMs`: a
 * worker's start-up work (the first retention run, which on a pre-filled log deletes two days of
 * minute rollups for ~10 s) would otherwise take a core from the limits measured first. Returns
 * the seconds waited.
 */
export async function waitForQuietDatabase(
  databaseUrl: string,
  { quietMs = 2000, timeoutMs = 180_000 } = {},
): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const started = Date.now();
  try {
    let quietSince = Date.now();
    while (Date.now() - quietSince < quietMs) {
      if (Date.now() - started > timeoutMs)
        throw new Error(`the database was still busy after ${timeoutMs / 1000} s`);
      const { rows } = await client.query<{ busy: number }>(
        `SELECT count(*)::int AS busy FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'`,
      );
      if (rows[0]!.busy > 0) quietSince = Date.now();
      await sleep(200);
    }
    return (Date.now() - started) / 1000;
  } finally {
    await client.end();
  }
}

/** Drops indexes of the benchmark's own copy (an experiment: what each index costs to keep). */
export async function dropIndexes(databaseUrl: string, names: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const name of names) {
      // A constraint's index (a primary key, a unique key) goes with its constraint.
      const { rows } = await client.query<{ table: string; constraint: string | null }>(
        `SELECT i.indrelid::regclass::text AS table, c.conname AS constraint FROM pg_index i
         LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid WHERE i.indexrelid = to_regclass($1)`,
        [name],
      );
      if (!rows[0]) throw new Error(`BENCH_DROP_INDEXES: there is no index '${name}'`);
      await client.query(
        rows[0].constraint
          ? `ALTER TABLE ${rows[0].table} DROP CONSTRAINT ${quoteIdent(rows[0].constraint)} CASCADE`
          : `DROP INDEX ${quoteIdent(name)}`,
      );
      console.log(`bench: dropped ${rows[0].constraint ? "constraint" : "index"} ${name}`);
    }
  } finally {
    await client.end();
  }
}

/**
 * Deletes this run's queue keys, and only those: BullMQ names every key `<prefix>:<queue>:…`, so the
 * pattern cannot reach another install's keys, nor another benchmark run's on a shared Redis.
 */
export async function deleteRunQueues(redisUrl: string, queuePrefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${queuePrefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) deleted += await redis.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/**
 * Herald's web server (server/start.mjs: Next plus the direct intake path) runs in this pid itself,
 * so node flags (e.g. --cpu-prof) apply to it.
 */
export function startWeb(env: NodeJS.ProcessEnv, port: number, nodeArgs: string[] = []): Started {
  return startProcess("web", process.execPath, [...nodeArgs, "server/start.mjs"], {
    env: { ...env, PORT: String(port), HERALD_WEB_HOST: "127.0.0.1", NEXT_TELEMETRY_DISABLED: "1" },
    cwd: BUILD_DIR,
  });
}

/**
 * The production worker (the esbuild bundle) runs in this pid itself, so its RSS is the worker's.
 */
export function startWorker(
  env: NodeJS.ProcessEnv,
  name: string,
  nodeArgs: string[] = [],
): Started {
  return startProcess(name, process.execPath, [...nodeArgs, "worker/start.mjs"], { env });
}

export async function waitForHealth(
  baseUrl: string,
  timeoutMs: number,
  web: Started,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (web.child.exitCode !== null)
      throw new Error(`the web process exited:\n${web.output().slice(-3000)}`);
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(300);
  }
  throw new Error(
    `Herald's web process was not healthy within ${timeoutMs} ms (last: ${last})\n${web.output().slice(-3000)}`,
  );
}

/**
 * Redis connections BullMQ workers of this run hold; a new worker is ready when this count grows.
 */
export async function workerConnections(redisUrl: string, queuePrefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const list = (await redis.client("LIST")) as string;
    return list.split("\n").filter((line) => line.includes(` name=${queuePrefix}:`)).length;
  } finally {
    redis.disconnect();
  }
}

/** Waits (at most `timeoutMs`) until this run's BullMQ workers hold more than `than` connections. */
export async function waitForWorkerConnections(
  redisUrl: string,
  queuePrefix: string,
  than: number,
  timeoutMs: number,
): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += 250) {
    if ((await workerConnections(redisUrl, queuePrefix)) > than) return;
    await sleep(250);
  }
}

/** Rows that show what the engine wrote for one endpoint: every attempt must be logged. */
export async function deliveryCounts(databaseUrl: string, endpointId: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const deliveries = await client.query<{ status: string; count: string }>(
      "SELECT status, count(*) FROM deliveries WHERE endpoint_id = $1 GROUP BY status",
      [endpointId],
    );
    const attempts = await client.query<{ count: string }>(
      "SELECT count(*) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1",
      [endpointId],
    );
    return {
      deliveriesByStatus: Object.fromEntries(
        deliveries.rows.map((row) => [row.status, Number(row.count)]),
      ),
      attempts: Number(attempts.rows[0]?.count ?? 0),
    };
  } finally {
    await client.end();
  }
}

export async function countEvents(
  databaseUrl: string,
  appId: string,
): Promise<{ stored: number; unrouted: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ stored: string; unrouted: string }>(
      "SELECT (SELECT count(*) FROM events WHERE app_id = $1) AS stored, (SELECT count(*) FROM unrouted_events WHERE app_id = $1) AS unrouted",
      [appId],
    );
    return { stored: Number(rows[0]?.stored ?? 0), unrouted: Number(rows[0]?.unrouted ?? 0) };
  } finally {
    await client.end();
  }
}

/** Rows of the log older than `cutoff` (timestamps are UTC `timestamp` columns). */
/**
 * Rows retention should have removed: events older than `cutoff`; deliveries and attempts older
 * than `logCutoff` (the start of the cutoff's day where the log is partitioned by day: that day
 * goes whole once all of it is past the cutoff).
 */
export async function countOlderThan(databaseUrl: string, cutoff: Date, logCutoff = cutoff) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ events: string; deliveries: string; attempts: string }>(
      `SELECT (SELECT count(*) FROM events WHERE received_at < $1::timestamptz AT TIME ZONE 'UTC') AS events,
         (SELECT count(*) FROM deliveries WHERE created_at < $2::timestamptz AT TIME ZONE 'UTC') AS deliveries,
         (SELECT count(*) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.created_at < $2::timestamptz AT TIME ZONE 'UTC') AS attempts`,
      [cutoff.toISOString(), logCutoff.toISOString()],
    );
    return {
      events: Number(rows[0]!.events),
      deliveries: Number(rows[0]!.deliveries),
      attempts: Number(rows[0]!.attempts),
    };
  } finally {
    await client.end();
  }
}

type StageMs = { p50: number | null; p99: number | null };
export type PipelineBreakdown = {
  routeMs: StageMs;
  queueMs: StageMs;
  httpMs: StageMs;
  recordMs: StageMs;
};

/**
 * Where one event's time went, from the rows the engine wrote (first attempts only): route = ingest
 * stored -> delivery row created (includes the batch window when batching), queue = delivery
 * created -> attempt started, http = the request, record = response -> delivery updated.
 */
export async function pipelineBreakdown(
  databaseUrl: string,
  endpointId: string,
): Promise<PipelineBreakdown> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, number[] | null>>(
      `WITH stages AS (
         SELECT extract(epoch FROM d.created_at - d.received_at) * 1000 AS route_ms,
                extract(epoch FROM a.started_at - d.created_at) * 1000 AS queue_ms,
                a.duration_ms AS http_ms,
                extract(epoch FROM d.updated_at - a.started_at) * 1000 - a.duration_ms AS record_ms
         FROM deliveries d
         -- Each delivery's first attempt by its key (OFFSET 0 keeps it so): the phase's rows are
         -- too new for the planner's statistics, which took them for one row and joined the
         -- other way round, 70-80 s a phase on a pre-filled log. Received: as the delivery
         -- records it (its first event's), not read from the events.
         CROSS JOIN LATERAL (
           SELECT started_at, duration_ms FROM attempts WHERE delivery_id = d.id AND number = 1 OFFSET 0
         ) a
         WHERE d.endpoint_id = $1 AND d.id >= $2::uuid
       )
       SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY route_ms) AS route,
              percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY queue_ms) AS queue,
              percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY http_ms) AS http,
              percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY record_ms) AS record
       FROM stages`,
      [endpointId, uuidAtTime(new Date(Date.now() - 3600_000))],
    );
    const stage = (values: number[] | null | undefined): StageMs => ({
      p50: values?.[0] == null ? null : Math.round(values[0] * 10) / 10,
      p99: values?.[1] == null ? null : Math.round(values[1] * 10) / 10,
    });
    const row = rows[0] ?? {};
    return {
      routeMs: stage(row.route),
      queueMs: stage(row.queue),
      httpMs: stage(row.http),
      recordMs: stage(row.record),
    };
  } finally {
    await client.end();
  }
}
