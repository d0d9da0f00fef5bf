import { createRequire } from "node:module";

// Runs one autocannon load in its own process (forked by bench/load/autocannon.ts), so the load
// generator never shares an event loop with the benchmark's orchestrator or the receiver.

export type LoadOptions = {
  url: string;
  method: "POST";
  headers: Record<string, string>;
  body: string;
  connections: number;
  durationSeconds: number;
};

export type LoadResult = {
  durationSeconds: number;
  requests: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
};

// autocannon ships no type declarations; this is the part of its result we read.
type AutocannonResult = {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  requests: { total: number; average: number };
};
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

async function run(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: options.method,
    headers: options.headers,
    body: options.body,
    connections: options.connections,
    duration: options.durationSeconds,
    pipelining: 1,
    timeout: 30,
  });
  const requests = result["2xx"] + result.non2xx;
  return {
    durationSeconds: result.duration,
    requests,
    ok2xx: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count]),
    ),
    requestsPerSecond: requests / result.duration,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
  };
}

process.once("message", (options: LoadOptions) => {
  run(options).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (error: Error) => process.send?.({ error: error.message }, () => process.exit(1)),
  );
});
