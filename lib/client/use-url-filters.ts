"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { QueryUpdates } from "./query-updates";

/**
 * A list page's filters and its open row kept in the URL's query, so a filtered view survives a
 * reload and can be shared. `names` are the filter parameters; `selectedParam`, if any, names the
 * open row.
 */
export function useUrlFilters<Name extends string>(names: readonly Name[], selectedParam?: string) {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();

  const filters = useMemo(() => {
    const result: Partial<Record<Name, string>> = {};
    for (const name of names) {
      const value = searchParams?.get(name);
      if (value) result[name] = value;
    }
    return result;
  }, [names, searchParams]);

  const selected = selectedParam ? (searchParams?.get(selectedParam) ?? null) : null;

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

  return { filters, selected, update };
}
