import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { round } from "./processes";

// Targets from the benchmark issue, the printed table and the JSON files under bench/results/.

export type Row = {
  figure: string;
  value: number | null;
  unit: string;
  target?: { op: ">=" | "<="; value: number; unit?: string };
  note?: string;
};

export function machineInfo() {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? "unknown",
    cpus: cpus.length,
    memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    loadAverage: os.loadavg().map((load) => round(load, 2)),
  };
}

function passes(row: Row): boolean | null {
  if (!row.target || row.value === null || Number.isNaN(row.value))
    return row.target ? false : null;
  return row.target.op === ">=" ? row.value >= row.target.value : row.value <= row.target.value;
}

const format = (value: number | null, unit: string) => {
  if (value === null || Number.isNaN(value)) return "n/a";
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString("en-US", { maximumFractionDigits: digits })} ${unit}`.trim();
};

export function printTable(title: string, rows: Row[]): void {
  const cells = rows.map((row) => {
    const pass = passes(row);
    return [
      row.figure,
      format(row.value, row.unit),
      row.target ? `${row.target.op} ${format(row.target.value, row.target.unit ?? row.unit)}` : "",
      pass === null ? "" : pass ? "PASS" : "MISS",
      row.note ?? "",
    ];
  });
  const header = ["Figure", "Value", "Target", "Result", "Note"];
  const widths = header.map((name, column) =>
    Math.max(name.length, ...cells.map((cell) => cell[column]!.length)),
  );
  const line = (cell: string[]) =>
    cell
      .map((text, column) =>
        column === 1 ? text.padStart(widths[column]!) : text.padEnd(widths[column]!),
      )
      .join("  ")
      .trimEnd();
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const cell of cells) console.log(line(cell));
}

/** A plain table: the first column left-aligned, the others right-aligned. */
export function printColumns(title: string, header: string[], lines: string[][]): void {
  const widths = header.map((name, column) =>
    Math.max(name.length, ...lines.map((line) => (line[column] ?? "").length)),
  );
  console.log(`\n${title}`);
  for (const line of [header, ...lines])
    console.log(
      line
        .map((text, column) =>
          column ? text.padStart(widths[column]!) : text.padEnd(widths[column]!),
        )
        .join("  "),
    );
}

export function writeResults(results: Record<string, unknown>, startedAt: Date): string {
  const dir = path.join(process.cwd(), "bench", "results");
  mkdirSync(dir, { recursive: true });
  const stamp = startedAt
    .toISOString()
    .replaceAll(":", "-")
    .replace(/\.\d+Z$/, "Z");
  const file = path.join(dir, `${stamp}.json`);
  const text = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(path.join(dir, "latest.json"), text);
  return path.relative(process.cwd(), file);
}
