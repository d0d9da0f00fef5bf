import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import pg from "pg";
import type { HeraldApi } from "./herald-api";
import { round } from "./processes";

// The delivery log as an operator reads it: the log's and the events list's API queries, endpoint
// stats and the overview, timed through the real HTTP API (cold, then the median of 5 warm runs),
// and how many bytes the log takes on disk per delivered event.

const WARM_RUNS = 5;
const DAY_MS = 86_400_000;

/** What the queries read: an app with history, two of its endpoints, names and a channel. */
export type LogTarget = {
  appId: string;
  endpointIds: [string, string];
  matchingEventName: string;
  missingEventName: string;
  channel: string;
  /** A user with events, for the events list's user filter (none: that query is left out). */
  userId?: string;
  /** "Now" of the history (the pre-fill's end); time ranges are relative to it. */
  referenceMs: number;
};

type TimedQuery = {
  name: string;
  path: string;
  /** Items in the answer (a page of deliveries, stats buckets, apps). */
  items: number;
  coldMs: number;
  warmMedianMs: number;
  warmMs: number[];
};

export type LogQueryFigures = {
  target: LogTarget;
  /** Whether the OS page cache of the database's files was dropped before each cold run. */
  osCacheDropped: boolean;
  queries: TimedQuery[];
};

function logQueries(target: LogTarget): { name: string; path: string }[] {
  const deliveries = `/api/v1/apps/${encodeURIComponent(target.appId)}/deliveries`;
  const events = (params = "") =>
    `/api/v1/apps/${encodeURIComponent(target.appId)}/events${params && `?${params}`}`;
  const channel = `channel=${encodeURIComponent(target.channel)}`;
  const [everything, quarter] = target.endpointIds;
  const day = (daysAgo: number) =>
    `since=${new Date(target.referenceMs - daysAgo * DAY_MS).toISOString()}&until=${new Date(target.referenceMs - (daysAgo - 1) * DAY_MS).toISOString()}`;
  const stats = (window: string) =>
    `/api/v1/apps/${encodeURIComponent(target.appId)}/endpoints/${everything}/stats?window=${window}`;
  const query = (params: string) => `${deliveries}?${params}`;
  return [
    { name: "log: first page", path: deliveries },
    { name: "log: status failed", path: query("status=failed") },
    { name: "log: endpoint", path: query(`endpointId=${quarter}`) },
    { name: "log: event name (matches)", path: query(`eventName=${target.matchingEventName}`) },
    { name: "log: event name (no match)", path: query(`eventName=${target.missingEventName}`) },
    { name: "log: channel", path: query(`channel=${encodeURIComponent(target.channel)}`) },
    { name: "log: 1 day, 10 days ago", path: query(day(10)) },
    {
      name: "log: failed + endpoint + 1 day",
      path: query(`status=failed&endpointId=${everything}&${day(10)}`),
    },
    {
      name: "log: event name + channel",
      path: query(`eventName=member_removed&channel=${encodeURIComponent(target.channel)}`),
    },
    {
      name: "log: endpoint + name (no match) + 1 day",
      path: query(`endpointId=${quarter}&eventName=${target.missingEventName}&${day(10)}`),
    },
    { name: "events: first page", path: events() },
    { name: "events: name (matches)", path: events(`name=${target.matchingEventName}`) },
    { name: "events: name (no events)", path: events("name=subscription_count") },
    { name: "events: channel", path: events(channel) },
    ...(target.userId ? [{ name: "events: user", path: events(`userId=${target.userId}`) }] : []),
    { name: "events: 1 day, 10 days ago", path: events(day(10)) },
    { name: "events: name + 1 day", path: events(`name=${target.matchingEventName}&${day(10)}`) },
    { name: "events: channel + 1 day", path: events(`${channel}&${day(10)}`) },
    { name: "events: state suppressed", path: events("state=suppressed") },
    { name: "stats: 24 h", path: stats("24h") },
    { name: "stats: 7 d", path: stats("7d") },
    { name: "stats: 30 d", path: stats("30d") },
    { name: "overview", path: "/api/v1/overview" },
  ];
}

async function timedGet(api: HeraldApi, path: string): Promise<{ ms: number; items: number }> {
  const started = performance.now();
  const answer = await api.request<{ data?: unknown[]; buckets?: unknown[] }>("GET", path);
  const ms = performance.now() - started;
  return { ms: round(ms, 1), items: answer.data?.length ?? answer.buckets?.length ?? 0 };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/**
 * Drops the OS page cache of the database's files (posix_fadvise DONTNEED through GNU dd), so a
 * cold run reads from disk, not from memory; possible only when Postgres runs on this machine and
 * its files are readable. Postgres's own shared buffers are not emptied.
 */
async function osCacheDropper(databaseUrl: string): Promise<(() => void) | null> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let directory: string;
  try {
    const { rows } = await client.query<{ data_directory: string; oid: number }>(
      "SELECT current_setting('data_directory') AS data_directory, oid FROM pg_database WHERE datname = current_database()",
    );
    directory = `${rows[0]!.data_directory}/base/${rows[0]!.oid}`;
  } catch {
    return null;
  } finally {
    await client.end();
  }
  if (!existsSync(directory)) return null;
  const drop = () =>
    spawnSync(
      "sh",
      [
        "-c",
        'for file in "$1"/*; do dd if="$file" iflag=nocache count=0 status=none; done',
        "-",
        directory,
      ],
      { stdio: "ignore" },
    ).status === 0;
  return drop() ? () => void drop() : null;
}

export async function measureLogQueries(
  api: HeraldApi,
  databaseUrl: string,
  target: LogTarget,
): Promise<LogQueryFigures> {
  const dropCache = await osCacheDropper(databaseUrl);
  const queries: TimedQuery[] = [];
  for (const { name, path } of logQueries(target)) {
    dropCache?.();
    const cold = await timedGet(api, path);
    const warm: number[] = [];
    for (let run = 0; run < WARM_RUNS; run++) warm.push((await timedGet(api, path)).ms);
    queries.push({
      name,
      path,
      items: cold.items,
      coldMs: cold.ms,
      warmMedianMs: median(warm),
      warmMs: warm,
    });
  }
  return { target, osCacheDropped: dropCache !== null, queries };
}

export type DiskUsage = {
  deliveredEvents: number;
  deliveries: number;
  totalBytes: number;
  bytesPerDeliveredEvent: number;
  /** rows: the planner's estimate (null before the table was first analyzed). */
  tables: { table: string; rows: number | null; heapBytes: number; indexBytes: number }[];
  indexes: { index: string; bytes: number }[];
};

/** Every table the log writes as it grows, the side tables and rollups included. */
const LOG_TABLES = [
  "events",
  "unrouted_events",
  "held_events",
  "batch_items",
  "deliveries",
  "delivery_channels",
  "delivery_event_names",
  "attempts",
  "request_header_sets",
  "endpoint_stats_minutes",
  "endpoint_stats_hours",
  "endpoint_failed_attempts",
];

/** Bytes the log takes (tables with their TOAST, and indexes) per delivered event. */
export async function measureDiskUsage(databaseUrl: string): Promise<DiskUsage> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{
      table: string;
      rows: string | null;
      heap: string;
      indexes: string;
    }>(
      // A partitioned table's own size is 0: its partitions (every leaf of its tree) are summed.
      `SELECT t.relname AS table, CASE WHEN bool_and(c.reltuples >= 0) THEN sum(c.reltuples)::bigint END AS rows,
         sum(pg_table_size(c.oid)) AS heap, sum(pg_indexes_size(c.oid)) AS indexes
       FROM pg_class t CROSS JOIN LATERAL (
           SELECT relid FROM pg_partition_tree(t.oid) WHERE isleaf UNION ALL SELECT t.oid WHERE t.relkind = 'r'
         ) AS leaf JOIN pg_class c ON c.oid = leaf.relid
       WHERE t.relname = ANY($1) AND t.relkind IN ('r', 'p') AND t.relnamespace = 'public'::regnamespace
       GROUP BY t.relname`,
      [LOG_TABLES],
    );
    const { rows: indexes } = await client.query<{ index: string; bytes: string }>(
      `SELECT i.indexrelid::regclass::text AS index,
         coalesce((SELECT sum(pg_relation_size(p.relid)) FROM pg_partition_tree(i.indexrelid) p WHERE p.isleaf),
           pg_relation_size(i.indexrelid)) AS bytes
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
       WHERE t.relname = ANY($1) AND t.relnamespace = 'public'::regnamespace ORDER BY 2 DESC`,
      [LOG_TABLES],
    );
    const { rows: counted } = await client.query<{ deliveries: string; events: string | null }>(
      "SELECT count(*) AS deliveries, sum(cardinality(event_ids)) AS events FROM deliveries",
    );
    const deliveredEvents = Number(counted[0]?.events ?? 0);
    const totalBytes = tables.reduce((sum, row) => sum + Number(row.heap) + Number(row.indexes), 0);
    return {
      deliveredEvents,
      deliveries: Number(counted[0]?.deliveries ?? 0),
      totalBytes,
      bytesPerDeliveredEvent: deliveredEvents ? Math.round(totalBytes / deliveredEvents) : 0,
      tables: tables.map((row) => ({
        table: row.table,
        rows: row.rows === null ? null : Number(row.rows),
        heapBytes: Number(row.heap),
        indexBytes: Number(row.indexes),
      })),
      indexes: indexes.map((row) => ({ index: row.index, bytes: Number(row.bytes) })),
    };
  } finally {
    await client.end();
  }
}
