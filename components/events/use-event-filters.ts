"use client";

import type { EventFilters } from "@/lib/client/events";
import { useUrlFilters } from "@/lib/client/use-url-filters";

const FILTER_NAMES = ["name", "channel", "userId", "state", "since", "until"] as const;

/** Event-log filters and the open event live in the URL, like the delivery log's. */
export function useEventFilters() {
  const { filters, selected, update } = useUrlFilters(FILTER_NAMES, "event");
  const typed: EventFilters = filters;
  return { filters: typed, selectedEvent: selected, update };
}
