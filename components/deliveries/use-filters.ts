"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { QueryUpdates } from "@/lib/client/query-updates";
import type { DeliveryFilters } from "@/lib/client/deliveries";

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
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();

  const filters = useMemo(() => {
    const result: DeliveryFilters = {};
    for (const name of FILTER_NAMES) {
      const value = searchParams?.get(name);
      if (value) result[name] = value;
    }
    return result;
  }, [searchParams]);

  const selectedDelivery = searchParams?.get("delivery") ?? null;

  const current = searchParams?.toString() ?? "";
  const [updates] = useState(() => new QueryUpdates());
  useEffect(() => updates.committed(current), [updates, current]);

  const update = useCallback(
    (changes: Record<string, string | null | undefined>) => {
      const query = updates.next(current, changes);
      router.replace(query ? `${pathname}?${query}` : (pathname ?? ""), { scroll: false });
    },
    [current, pathname, router, updates],
  );

  return { filters, selectedDelivery, update };
}
