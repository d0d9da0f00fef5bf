"use client";

import { useEffect, useState } from "react";
import { relativeTime } from "@/lib/client/relative-time";

export function absoluteTime(value: string | Date): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "medium" });
}

/**
 * "3 minutes ago", with the exact time on hover; re-renders every 30 s. `future` for times meant
 * to be ahead (an expiry, the next attempt); others are clamped to now.
 */
export function RelativeTime({
  value,
  className,
  future,
}: {
  value: string | null | undefined;
  className?: string;
  future?: boolean;
}) {
  const [tick, setNow] = useState(() => Date.now());
  // A render between ticks (new data) uses the time now, not the last tick's.
  const now = Math.max(tick, Date.now());
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
      {relativeTime(date, now, { future })}
    </time>
  );
}
