import type { DiskUsage, LogQueryFigures } from "./log-queries";
import { round } from "./processes";
import { printColumns } from "./report";
import type { Results } from "./summary";

// The tables printed after the main one: the write path per delivered event, the delivery log's
// API timings and the log's size on disk.

/** Every log query answers within this (issue 18's target), warm. */
export const LOG_QUERY_TARGET_MS = 100;

/** The phases that deliver a fixed number of events, in the order they run. */
export const DELIVERY_PHASES = [
  "unbatched",
  "batched",
  "unbatchedBacklog",
  "batchedBacklog",
  "unbatchedTwoWorkers",
  "batchedTwoWorkers",
] as const;

const mib = (bytes: number) => `${round(bytes / 1024 ** 2, 1)} MiB`;
const cell = (value: number | null | undefined) =>
  value === null || value === undefined ? "-" : String(value);

export function printWritePath(results: Results): void {
  const phases = DELIVERY_PHASES.flatMap((name) => {
    const writePath = results[name]?.writePath;
    return writePath ? [[name, writePath] as const] : [];
  });
  if (!phases.length) return;
  const tables = ["events", "unrouted_events", "batch_items", "deliveries", "attempts"];
  const header = [
    "per delivered event",
    "statements",
    "rows",
    "exec µs",
    "WAL bytes",
    ...tables.map((table) => `${table} ins/upd(HOT)/del`),
  ];
  const lines = phases.map(([name, figures]) => [
    name,
    cell(figures.perEvent.statements),
    cell(figures.perEvent.statementRows),
    cell(figures.perEvent.statementExecUs),
    `${figures.perEvent.walBytes}${figures.walSource === "server" ? " (server)" : ""}`,
    ...tables.map((table) => {
      const counters = figures.perEvent.tables[table];
      return counters
        ? `${counters.inserted}/${counters.updated}(${counters.hotUpdated})/${counters.deleted}`
        : "-";
    }),
  ]);
  printColumns(
    "Write path per delivered event (Postgres statistics of the benchmark database; statements, rows and exec time need pg_stat_statements; WAL (server) = the whole server's WAL, other databases included)",
    header,
    lines,
  );
  for (const [name, figures] of phases) {
    if (!figures.topStatements?.length) continue;
    printColumns(
      `Costliest statements in ${name}, per delivered event`,
      ["exec µs", "calls", "rows", "WAL B", "statement"],
      figures.topStatements
        .slice(0, 8)
        .map((statement) => [
          String(statement.execUs),
          String(statement.calls),
          String(statement.rows),
          String(statement.walBytes),
          statement.query.slice(0, 110),
        ]),
    );
  }
}

export function printLogQueries(figures: LogQueryFigures | null | undefined): void {
  if (!figures) return;
  printColumns(
    `Delivery log API, app ${figures.target.appId} (ms; cold = first run${figures.osCacheDropped ? " after dropping the OS page cache of the database's files" : " (the OS page cache could not be dropped)"}; warm = median of 5; target <= ${LOG_QUERY_TARGET_MS} ms warm)`,
    ["query", "items", "cold ms", "warm ms", "result"],
    figures.queries.map((query) => [
      query.name,
      String(query.items),
      String(query.coldMs),
      String(query.warmMedianMs),
      query.warmMedianMs <= LOG_QUERY_TARGET_MS ? "PASS" : "MISS",
    ]),
  );
}

export function printDiskUsage(usage: DiskUsage | null | undefined): void {
  if (!usage) return;
  printColumns(
    `The log on disk: ${mib(usage.totalBytes)} for ${usage.deliveredEvents} delivered events in ${usage.deliveries} deliveries = ${usage.bytesPerDeliveredEvent} bytes per delivered event`,
    ["table", "rows (estimate)", "table+TOAST", "indexes"],
    usage.tables.map((table) => [
      table.table,
      cell(table.rows),
      mib(table.heapBytes),
      mib(table.indexBytes),
    ]),
  );
  printColumns(
    "Largest indexes",
    ["index", "size"],
    usage.indexes.slice(0, 16).map((index) => [index.index, mib(index.bytes)]),
  );
}
