"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import type { DeliveryFilters } from "@/lib/client/deliveries";

const FILTER_NAMES = ["status", "endpointId", "eventName", "channel", "since", "until"] as const;

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

  const update = useCallback(
    (changes: Record<string, string | null | undefined>) => {
      const next = new URLSearchParams(searchParams?.toString() ?? "");
      for (const [name, value] of Object.entries(changes)) {
        if (value) next.set(name, value);
        else next.delete(name);
      }
      const query = next.toString();
      router.replace(query ? `${pathname}?${query}` : (pathname ?? ""), { scroll: false });
    },
    [pathname, router, searchParams],
  );

  return { filters, selectedDelivery, update };
}
