"use client";

import { useEffect, useState } from "react";

const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

const formatter = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

function relativeTime(date: Date, now = Date.now()): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  if (Math.abs(seconds) < 5) return "just now";
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size || unit === "second")
      return formatter.format(Math.round(seconds / size), unit);
  }
  return date.toISOString();
}

export function absoluteTime(value: string | Date): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "medium" });
}

/** "3 minutes ago", with the exact time on hover; re-renders every 30 s. */
export function RelativeTime({
  value,
  className,
}: {
  value: string | null | undefined;
  className?: string;
}) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  if (!value) return <span className="text-slate-400">—</span>;
  const date = new Date(value);
  return (
    <time
      dateTime={date.toISOString()}
      title={absoluteTime(date)}
      className={className}
      suppressHydrationWarning
    >
      {relativeTime(date, now)}
    </time>
  );
}
