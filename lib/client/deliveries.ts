"use client";

import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { api, type Page } from "./api";
import { keys } from "./query-keys";
import type { Delivery } from "./types";

export type DeliveryFilters = {
  status?: string;
  endpointId?: string;
  eventName?: string;
  channel?: string;
  /** A rolling preset (TIME_RANGES); wins over since/until. */
  range?: string;
  since?: string;
  until?: string;
};

/**
 * Kept in the URL by name and turned into `since` at each fetch, so "last 15 minutes" keeps
 * rolling.
 */
export const TIME_RANGES = [
  { value: "15m", label: "Last 15 minutes", seconds: 900 },
  { value: "1h", label: "Last hour", seconds: 3600 },
  { value: "24h", label: "Last 24 hours", seconds: 86_400 },
  { value: "7d", label: "Last 7 days", seconds: 7 * 86_400 },
] as const;

export const timeRange = (value: string | undefined) =>
  TIME_RANGES.find((range) => range.value === value);

export const rangeSince = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();

/** The API's query for these filters, now. */
function deliveriesQuery({ range, ...filters }: DeliveryFilters) {
  const preset = timeRange(range);
  return preset ? { ...filters, since: rangeSince(preset.seconds), until: undefined } : filters;
}

const base = (appId: string) => `/apps/${encodeURIComponent(appId)}/deliveries`;

/** Cursor pages, refetched every 2 s so the log updates while deliveries happen. */
export function useDeliveries(appId: string, filters: DeliveryFilters, pageSize = 50) {
  return useInfiniteQuery({
    queryKey: [...keys.deliveries(appId), filters, pageSize],
    queryFn: ({ pageParam }) =>
      api<Page<Delivery>>(base(appId), {
        query: { ...deliveriesQuery(filters), limit: pageSize, cursor: pageParam },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    // Live while only the first pages are loaded; refetching dozens of pages every 2 s would not
    // be.
    refetchInterval: (query) => ((query.state.data?.pages.length ?? 0) <= 3 ? 2000 : false),
  });
}

export function useDelivery(appId: string, deliveryId: string | null) {
  return useQuery({
    queryKey: keys.delivery(appId, deliveryId ?? ""),
    queryFn: () => api<Delivery>(`${base(appId)}/${deliveryId}`),
    enabled: Boolean(deliveryId),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === "succeeded" || status === "failed" || status === "cancelled" ? 5000 : 1000;
    },
  });
}

export function useRedeliver(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) =>
      api<unknown>(`${base(appId)}/${deliveryId}/redeliver`, { method: "POST", body: {} }),
    onSuccess: (_result, deliveryId) => {
      void client.invalidateQueries({ queryKey: keys.delivery(appId, deliveryId) });
      void client.invalidateQueries({ queryKey: keys.deliveries(appId) });
    },
    // A 409 means its endpoint was disabled or deleted meanwhile: refresh them so the button says
    // so.
    onError: () => void client.invalidateQueries({ queryKey: keys.endpoints(appId) }),
  });
}
