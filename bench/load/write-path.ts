import pg from "pg";
import { round, sleep } from "./processes";

// What the write path costs per delivered event, from Postgres's own statistics of the benchmark
// database: rows inserted / updated (and how many updates were HOT, i.e. touched no index) per
// table, WAL bytes, and, when pg_stat_statements is loaded on the server, every statement's calls,
// rows, WAL and execution time.

const TABLES = ["events", "unrouted_events", "batch_items", "deliveries", "attempts"] as const;
type TableCounters = { inserted: number; updated: number; hotUpdated: number; deleted: number };

type Snapshot = {
  tables: Record<string, TableCounters>;
  walLsn: string;
};

type StatementCost = {
  query: string;
  calls: number;
  rows: number;
  walBytes: number;
  execMs: number;
};
/** One statement's cost per delivered event. */
type StatementPerEvent = {
  query: string;
  calls: number;
  rows: number;
  walBytes: number;
  execUs: number;
};

export type WritePathFigures = {
  deliveredEvents: number;
  /** Per delivered event. */
  perEvent: {
    tables: Record<string, TableCounters>;
    walBytes: number;
    statements: number | null;
    statementRows: number | null;
    statementExecUs: number | null;
  };
  /** Share of `deliveries` updates that were HOT (0..1), null when there were none. */
  deliveriesHotShare: number | null;
  /** "statements": WAL of this database's statements; "server": the whole server's (all databases). */
  walSource: "statements" | "server";
  /** The costliest statements, per delivered event. */
  topStatements: StatementPerEvent[] | null;
};

async function withClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Whether pg_stat_statements can be used (it must be in shared_preload_libraries); creates the
 * extension in the benchmark database if so.
 */
export async function enableStatementStats(databaseUrl: string): Promise<boolean> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ loaded: boolean }>(
      "SELECT current_setting('shared_preload_libraries') ~ 'pg_stat_statements' AS loaded",
    );
    if (!rows[0]?.loaded) return false;
    await client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    return true;
  });
}

async function snapshot(client: pg.Client): Promise<Snapshot> {
  const { rows } = await client.query<{
    relname: string;
    n_tup_ins: string;
    n_tup_upd: string;
    n_tup_hot_upd: string;
    n_tup_del: string;
  }>(
    // A partitioned table's rows are counted on its partitions: each leaf's figures, summed.
    `SELECT t.relname, sum(s.n_tup_ins) AS n_tup_ins, sum(s.n_tup_upd) AS n_tup_upd,
       sum(s.n_tup_hot_upd) AS n_tup_hot_upd, sum(s.n_tup_del) AS n_tup_del
     FROM pg_class t CROSS JOIN LATERAL (
         SELECT relid FROM pg_partition_tree(t.oid) WHERE isleaf UNION ALL SELECT t.oid WHERE t.relkind = 'r'
       ) AS leaf JOIN pg_stat_user_tables s ON s.relid = leaf.relid
     WHERE t.relname = ANY($1) AND t.relnamespace = 'public'::regnamespace
     GROUP BY t.relname`,
    [TABLES],
  );
  const { rows: wal } = await client.query<{ lsn: string }>("SELECT pg_current_wal_lsn() AS lsn");
  return {
    tables: Object.fromEntries(
      rows.map((row) => [
        row.relname,
        {
          inserted: Number(row.n_tup_ins),
          updated: Number(row.n_tup_upd),
          hotUpdated: Number(row.n_tup_hot_upd),
          deleted: Number(row.n_tup_del),
        },
      ]),
    ),
    walLsn: wal[0]!.lsn,
  };
}

export type WritePathProbe = { finish: (deliveredEvents: number) => Promise<WritePathFigures> };

/** Backends report table counters at most once a second, and an idle one only after 10 s. */
const QUIET_MS = 11_000;

/**
 * The table counters once no backend has anything left to report: unchanged for QUIET_MS (or
 * after 60 s, with a warning, when something keeps writing).
 */
async function settledSnapshot(client: pg.Client): Promise<Snapshot> {
  const key = (snapshot: Snapshot) => JSON.stringify(snapshot.tables);
  let last = await snapshot(client);
  let quietSince = Date.now();
  for (const started = Date.now(); Date.now() - quietSince < QUIET_MS;) {
    if (Date.now() - started > 60_000) {
      console.error("  write path: the table counters kept changing; figures may be off");
      break;
    }
    await sleep(1000);
    const next = await snapshot(client);
    if (key(next) !== key(last)) quietSince = Date.now();
    last = next;
  }
  return last;
}

/**
 * Starts measuring once the counters have settled (so an earlier phase's late reports do not
 * count), and clears this database's statement statistics; `finish` waits for the counters to
 * settle again and returns the difference per delivered event.
 */
export async function startWritePathProbe(
  databaseUrl: string,
  statementStats: boolean,
): Promise<WritePathProbe> {
  const before = await withClient(databaseUrl, async (client) => {
    const settled = await settledSnapshot(client);
    if (statementStats)
      await client.query(
        "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)",
      );
    return settled;
  });
  return {
    finish: (deliveredEvents) =>
      withClient(databaseUrl, async (client) => {
        const after = await settledSnapshot(client);
        const statements = statementStats ? await statementCosts(client) : null;
        const { rows: wal } = await client.query<{ bytes: string }>(
          "SELECT pg_wal_lsn_diff($1, $2)::bigint AS bytes",
          [after.walLsn, before.walLsn],
        );
        return perEvent(before, after, Number(wal[0]!.bytes), statements, deliveredEvents);
      }),
  };
}

async function statementCosts(client: pg.Client): Promise<StatementCost[]> {
  const { rows } = await client.query<{
    query: string;
    calls: string;
    rows: string;
    wal_bytes: string;
    exec_ms: number;
  }>(
    `SELECT query, calls, rows, wal_bytes, total_exec_time AS exec_ms FROM pg_stat_statements
     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND query NOT LIKE '%pg_stat_%' AND query NOT LIKE '%pg_current_wal_lsn%'
     ORDER BY total_exec_time DESC`,
  );
  return rows.map((row) => ({
    query: row.query.replace(/\s+/g, " ").trim(),
    calls: Number(row.calls),
    rows: Number(row.rows),
    walBytes: Number(row.wal_bytes),
    execMs: Number(row.exec_ms),
  }));
}

function perEvent(
  before: Snapshot,
  after: Snapshot,
  serverWalBytes: number,
  statements: StatementCost[] | null,
  deliveredEvents: number,
): WritePathFigures {
  const per = (value: number, digits = 2) => round(value / Math.max(1, deliveredEvents), digits);
  const tables: Record<string, TableCounters> = {};
  for (const table of TABLES) {
    const a = after.tables[table];
    const b = before.tables[table];
    if (!a || !b) continue;
    tables[table] = {
      inserted: per(a.inserted - b.inserted),
      updated: per(a.updated - b.updated),
      hotUpdated: per(a.hotUpdated - b.hotUpdated),
      deleted: per(a.deleted - b.deleted),
    };
  }
  const deliveries = {
    updated: (after.tables.deliveries?.updated ?? 0) - (before.tables.deliveries?.updated ?? 0),
    hot: (after.tables.deliveries?.hotUpdated ?? 0) - (before.tables.deliveries?.hotUpdated ?? 0),
  };
  const sum = (pick: (statement: StatementCost) => number) =>
    statements ? statements.reduce((total, statement) => total + pick(statement), 0) : null;
  const statementWal = sum((statement) => statement.walBytes);
  const statementCalls = sum((statement) => statement.calls);
  const statementRows = sum((statement) => statement.rows);
  const statementExecMs = sum((statement) => statement.execMs);
  return {
    deliveredEvents,
    perEvent: {
      tables,
      walBytes: per(statementWal ?? serverWalBytes, 0),
      statements: statementCalls === null ? null : per(statementCalls),
      statementRows: statementRows === null ? null : per(statementRows),
      statementExecUs: statementExecMs === null ? null : per(statementExecMs * 1000, 1),
    },
    deliveriesHotShare: deliveries.updated ? round(deliveries.hot / deliveries.updated, 3) : null,
    walSource: statementWal === null ? "server" : "statements",
    topStatements:
      statements?.slice(0, 12).map((statement) => ({
        query: statement.query.slice(0, 400),
        calls: per(statement.calls, 3),
        rows: per(statement.rows, 3),
        walBytes: per(statement.walBytes, 0),
        execUs: per(statement.execMs * 1000, 1),
      })) ?? null,
  };
}
