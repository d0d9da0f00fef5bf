"use client";

import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Page } from "./api";
import { keys } from "./query-keys";
import type { Delivery } from "./types";

export type DeliveryFilters = {
  status?: string;
  endpointId?: string;
  eventName?: string;
  channel?: string;
  since?: string;
  until?: string;
};

const base = (appId: string) => `/apps/${encodeURIComponent(appId)}/deliveries`;

/** Cursor pages, refetched every 2 s so the log updates while deliveries happen. */
export function useDeliveries(appId: string, filters: DeliveryFilters, pageSize = 50) {
  return useInfiniteQuery({
    queryKey: [...keys.deliveries(appId), filters, pageSize],
    queryFn: ({ pageParam }) => api<Page<Delivery>>(base(appId), { query: { ...filters, limit: pageSize, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    // Live while only the first pages are loaded; refetching dozens of pages every 2 s would not be.
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
    mutationFn: (deliveryId: string) => api<unknown>(`${base(appId)}/${deliveryId}/redeliver`, { method: "POST", body: {} }),
    onSuccess: (_result, deliveryId) => {
      void client.invalidateQueries({ queryKey: keys.delivery(appId, deliveryId) });
      void client.invalidateQueries({ queryKey: keys.deliveries(appId) });
    },
    // A 409 means its endpoint was disabled or deleted meanwhile: refresh them so the button says so.
    onError: () => void client.invalidateQueries({ queryKey: keys.endpoints(appId) }),
  });
}
