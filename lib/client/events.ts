"use client";

import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, type Page } from "./api";
import { keys } from "./query-keys";
import type { StoredEvent } from "./types";

export type EventFilters = {
  name?: string;
  channel?: string;
  userId?: string;
  state?: string;
  since?: string;
  until?: string;
};

const base = (appId: string) => `/apps/${encodeURIComponent(appId)}/events`;

/** Cursor pages of the event log, refreshed every 2 s while only the first pages are loaded. */
export function useEvents(appId: string, filters: EventFilters, pageSize = 50) {
  return useInfiniteQuery({
    queryKey: [...keys.events(appId), filters, pageSize],
    queryFn: ({ pageParam }) =>
      api<Page<StoredEvent>>(base(appId), {
        query: { ...filters, limit: pageSize, cursor: pageParam },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => ((query.state.data?.pages.length ?? 0) <= 3 ? 2000 : false),
  });
}

/** One event with its routing; refreshed while it is still on its way. */
export function useEvent(appId: string, eventId: string | null) {
  return useQuery({
    queryKey: keys.event(appId, eventId ?? ""),
    queryFn: () => api<StoredEvent>(`${base(appId)}/${encodeURIComponent(eventId ?? "")}`),
    enabled: Boolean(eventId),
    refetchInterval: 2000,
  });
}
