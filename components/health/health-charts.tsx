"use client";

import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { StatsBucket } from "@/lib/client/types";

const timeLabel = (bucketSeconds: number) => (value: string) => {
  const date = new Date(value);
  return bucketSeconds >= 86_400
    ? date.toLocaleDateString("en-GB", { day: "numeric", month: "short" })
    : date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
};

// What both charts share: the time axis, the value axis's ticks and the tooltip's time.
const TICK = { fontSize: 11, fill: "#64748b" };
const timeAxis = (bucketSeconds: number) => ({
  dataKey: "start",
  tickFormatter: timeLabel(bucketSeconds),
  tick: TICK,
  tickLine: false,
  axisLine: false,
  minTickGap: 32,
});
const valueAxis = { tick: TICK, tickLine: false, axisLine: false };
const tooltipTime = (value: unknown) => new Date(String(value)).toLocaleString("en-GB");

const PERCENTILES = [
  ["p50", "#6366f1"],
  ["p95", "#f59e0b"],
  ["p99", "#ef4444"],
] as const;

export function SuccessRateChart({
  buckets,
  bucketSeconds,
}: {
  buckets: StatsBucket[];
  bucketSeconds: number;
}) {
  const data = buckets.map((bucket) => ({
    start: bucket.start,
    rate:
      bucket.succeeded + bucket.failed === 0
        ? null
        : Math.round((bucket.succeeded / (bucket.succeeded + bucket.failed)) * 1000) / 10,
    attempts: bucket.attempts,
  }));
  return (
    <ResponsiveContainer width="100%" height={220}>
      <AreaChart data={data} margin={{ top: 8, right: 8, left: -16, bottom: 0 }}>
        <defs>
          <linearGradient id="rate-fill" x1="0" y1="0" x2="0" y2="1">
            <stop offset="0%" stopColor="#10b981" stopOpacity={0.3} />
            <stop offset="100%" stopColor="#10b981" stopOpacity={0.02} />
          </linearGradient>
        </defs>
        <CartesianGrid stroke="#f1f5f9" vertical={false} />
        <XAxis {...timeAxis(bucketSeconds)} />
        <YAxis domain={[0, 100]} unit="%" {...valueAxis} />
        <Tooltip
          labelFormatter={tooltipTime}
          formatter={(value) => [`${value}%`, "Success rate"]}
        />
        <Area
          type="monotone"
          dataKey="rate"
          stroke="#10b981"
          strokeWidth={2}
          fill="url(#rate-fill)"
          dot={{ r: 3, fill: "#10b981" }}
          connectNulls
          isAnimationActive={false}
        />
      </AreaChart>
    </ResponsiveContainer>
  );
}

export function LatencyChart({
  buckets,
  bucketSeconds,
}: {
  buckets: StatsBucket[];
  bucketSeconds: number;
}) {
  return (
    <ResponsiveContainer width="100%" height={220}>
      <LineChart data={buckets} margin={{ top: 8, right: 8, left: -8, bottom: 0 }}>
        <CartesianGrid stroke="#f1f5f9" vertical={false} />
        <XAxis {...timeAxis(bucketSeconds)} />
        <YAxis unit=" ms" {...valueAxis} />
        <Tooltip labelFormatter={tooltipTime} formatter={(value, name) => [`${value} ms`, name]} />
        <Legend iconType="plainline" wrapperStyle={{ fontSize: 12 }} />
        {PERCENTILES.map(([key, color]) => (
          <Line
            key={key}
            type="monotone"
            dataKey={key}
            name={key}
            stroke={color}
            strokeWidth={2}
            dot={{ r: 3, fill: color }}
            connectNulls
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
