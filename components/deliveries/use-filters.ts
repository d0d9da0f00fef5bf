"use client";

import type { DeliveryFilters } from "@/lib/client/deliveries";
import { useUrlFilters } from "@/lib/client/use-url-filters";

const FILTER_NAMES = [
  "status",
  "endpointId",
  "eventName",
  "channel",
  "range",
  "since",
  "until",
] as const;

/** Delivery-log filters live in the URL so a filtered view can be shared and survives reloads. */
export function useDeliveryFilters() {
  const { filters, selected, update } = useUrlFilters(FILTER_NAMES, "delivery");
  const typed: DeliveryFilters = filters;
  return { filters: typed, selectedDelivery: selected, update };
}
