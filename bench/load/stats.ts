export type Percentiles = {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
};

/** Nearest-rank percentiles of a few thousand samples (sorting is exact and cheap at this size). */
export function percentiles(samples: number[]): Percentiles {
  if (samples.length === 0) return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (fraction: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
  const two = (value: number) => Math.round(value * 100) / 100;
  return {
    count: sorted.length,
    p50: two(at(0.5)),
    p95: two(at(0.95)),
    p99: two(at(0.99)),
    max: two(sorted[sorted.length - 1]!),
    mean: two(sorted.reduce((sum, value) => sum + value, 0) / sorted.length),
  };
}
