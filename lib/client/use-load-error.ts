"use client";

import { useEffect, useState } from "react";

type LoadingQuery = {
  data: unknown;
  isPlaceholderData: boolean;
  error: unknown;
  failureReason: unknown;
};

/**
 * The error to show for a query that has not loaded (yet), or null. React Query clears `error` and
 * goes back to pending each time such a query fetches again (its retries, a refetch interval), so
 * the page would flip between the error and a skeleton: this keeps the last error until data for
 * the same `key` arrives.
 */
export function useLoadError(query: LoadingQuery, key: string): unknown {
  const loaded = query.data !== undefined && !query.isPlaceholderData;
  const current = loaded ? null : (query.error ?? query.failureReason ?? null);
  const [last, setLast] = useState<{ key: string; error: unknown } | null>(null);
  useEffect(() => {
    if (loaded) setLast(null);
    else if (current) setLast({ key, error: current });
  }, [loaded, current, key]);
  if (loaded) return null;
  return current ?? (last?.key === key ? last.error : null);
}
