import { defaultTemplateName } from "./prefill";

// The benchmark's knobs (environment variables, see bench/README.md), validated once.

const number = (name: string, fallback: number, { zero = false } = {}) => {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || (parsed === 0 && !zero))
    throw new Error(
      `${name} must be a ${zero ? "non-negative" : "positive"} number, got '${value}'`,
    );
  return parsed;
};

const list = (name: string) =>
  (process.env[name] ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);

const PHASES = [
  "ceiling",
  "bare",
  "bulk",
  "unbatched",
  "ordered",
  "batched",
  "backlog",
  "latency",
  "two-workers",
  "log",
  "retention",
] as const;
export type PhaseName = (typeof PHASES)[number];

function phases(): Set<PhaseName> {
  const asked = list("BENCH_PHASES");
  const unknown = asked.filter((name) => !(PHASES as readonly string[]).includes(name));
  if (unknown.length)
    throw new Error(`BENCH_PHASES: unknown ${unknown.join(", ")}; phases are ${PHASES.join(", ")}`);
  const chosen = new Set<PhaseName>(asked.length ? (asked as PhaseName[]) : PHASES);
  if (process.env.BENCH_TWO_WORKERS === "0") chosen.delete("two-workers");
  return chosen;
}

export function readConfig() {
  const scale = number("BENCH_SCALE", 1);
  const databaseUrl =
    process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/herald_bench";
  const prefillDeliveries = Math.round(number("BENCH_PREFILL_DELIVERIES", 0, { zero: true }));
  return {
    scale,
    unbatchedEvents: Math.round(number("BENCH_UNBATCHED_EVENTS", 20_000 * scale)),
    batchedEvents: Math.round(number("BENCH_BATCHED_EVENTS", 100_000 * scale)),
    loadSeconds: number("BENCH_LOAD_SECONDS", Math.max(3, Math.round(10 * scale))),
    latencyRate: number("BENCH_LATENCY_RATE", 200),
    latencySeconds: number("BENCH_LATENCY_SECONDS", Math.max(3, Math.round(10 * scale))),
    ceilingConnections: number("BENCH_CEILING_CONNECTIONS", 10),
    bareSenderInFlight: number("BENCH_BARE_SENDER_IN_FLIGHT", 50),
    ingestConnections: number("BENCH_INGEST_CONNECTIONS", 4),
    phaseTimeoutSeconds: number("BENCH_PHASE_TIMEOUT_S", 120),
    phases: phases(),
    profile: list("BENCH_PROFILE") as ("worker" | "web")[],
    build: (process.env.BENCH_BUILD ?? "auto") as "auto" | "always" | "never",
    databaseUrl,
    redisUrl: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
    prefill: prefillDeliveries
      ? {
          deliveries: prefillDeliveries,
          template:
            process.env.BENCH_PREFILL_DATABASE ||
            defaultTemplateName(databaseUrl, prefillDeliveries),
          refresh: process.env.BENCH_PREFILL_REFRESH === "1",
          maxAgeHours: number("BENCH_PREFILL_MAX_AGE_HOURS", 24),
        }
      : null,
    /** Indexes dropped from the benchmark's copy before the phases: what each costs to keep. */
    dropIndexes: list("BENCH_DROP_INDEXES"),
  };
}
