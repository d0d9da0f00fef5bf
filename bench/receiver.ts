import { createServer } from "node:http";

// The benchmark's webhook receiver: its own process (forked by bench/run.ts), answers 200 at once,
// verifies nothing expensive, and counts per URL path: requests, events, distinct events (by the
// sequence number the load generator puts in each event's data) and, for events that carry their
// send time, the end-to-end latency. The parent reads the counters over IPC.

type PathStats = {
  requests: number;
  events: number;
  distinct: Set<number>;
  unparsable: number;
  unsigned: number;
  firstArrivalMs: number | null;
  lastArrivalMs: number | null;
  latenciesMs: number[];
};

export type ReceiverSnapshot = {
  requests: number;
  events: number;
  distinctEvents: number;
  duplicates: number;
  unparsable: number;
  unsigned: number;
  firstArrivalMs: number | null;
  lastArrivalMs: number | null;
};

export type ReceiverCommand = {
  id: number;
  command: "snapshot" | "latencies" | "reset";
  path: string;
};

const statsByPath = new Map<string, PathStats>();

function statsFor(path: string): PathStats {
  let stats = statsByPath.get(path);
  if (!stats) {
    stats = {
      requests: 0,
      events: 0,
      distinct: new Set(),
      unparsable: 0,
      unsigned: 0,
      firstArrivalMs: null,
      lastArrivalMs: null,
      latenciesMs: [],
    };
    statsByPath.set(path, stats);
  }
  return stats;
}

type BenchEvent = { data?: unknown };

function record(path: string, body: string, signed: boolean, arrivalMs: number): void {
  const stats = statsFor(path);
  stats.requests++;
  if (!signed) stats.unsigned++;
  stats.firstArrivalMs ??= arrivalMs;
  stats.lastArrivalMs = arrivalMs;
  let events: BenchEvent[];
  try {
    events = (JSON.parse(body) as { events: BenchEvent[] }).events;
    if (!Array.isArray(events)) throw new Error("no events array");
  } catch {
    stats.unparsable++;
    return;
  }
  stats.events += events.length;
  for (const event of events) {
    // data arrives JSON-encoded as a string ({"s": sequence, "t": sent-at ms}), per the Pusher
    // format.
    if (typeof event.data !== "string") continue;
    let marker: { s?: unknown; t?: unknown };
    try {
      marker = JSON.parse(event.data) as typeof marker;
    } catch {
      continue;
    }
    if (typeof marker.s === "number") stats.distinct.add(marker.s);
    if (typeof marker.t === "number") stats.latenciesMs.push(arrivalMs - marker.t);
  }
}

function snapshot(path: string): ReceiverSnapshot {
  const stats = statsFor(path);
  return {
    requests: stats.requests,
    events: stats.events,
    distinctEvents: stats.distinct.size,
    duplicates: stats.events - stats.distinct.size,
    unparsable: stats.unparsable,
    unsigned: stats.unsigned,
    firstArrivalMs: stats.firstArrivalMs,
    lastArrivalMs: stats.lastArrivalMs,
  };
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const arrivalMs = Date.now();
    res.writeHead(200, { "content-length": "0" });
    res.end();
    const path = (req.url ?? "/").split("?")[0]!;
    record(
      path,
      Buffer.concat(chunks).toString("utf8"),
      typeof req.headers["x-pusher-signature"] === "string",
      arrivalMs,
    );
  });
});
server.keepAliveTimeout = 60_000;

process.on("message", (message: ReceiverCommand) => {
  if (message.command === "reset") statsByPath.delete(message.path);
  const reply =
    message.command === "latencies"
      ? statsFor(message.path).latenciesMs
      : message.command === "snapshot"
        ? snapshot(message.path)
        : null;
  process.send?.({ id: message.id, reply });
});
process.on("disconnect", () => process.exit(0));

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.send?.({ ready: typeof address === "object" && address ? address.port : 0 });
});
