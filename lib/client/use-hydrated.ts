"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * False in the server render and during hydration, true once React owns the page. Buttons stay
 * disabled until then: before hydration a click would silently do nothing (and a form submitted
 * natively would put its fields, secrets included, in the URL).
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
