import { printColumns } from "./report";
import type { Results } from "./summary";

// The tables printed after the main one: the write path per delivered event.

const DELIVERY_PHASES = [
  "unbatched",
  "batched",
  "unbatchedTwoWorkers",
  "batchedTwoWorkers",
] as const;

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
