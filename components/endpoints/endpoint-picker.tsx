"use client";

import type { Endpoint } from "@/lib/client/types";
import { Select } from "@/components/ui/input";
import { cn } from "@/components/ui/cn";
import { endpointLabel } from "./endpoint-status";
import { endpointTarget } from "@/lib/endpoint-target";

/** What fits the picker (28rem, monospace text-xs) without the box cutting it. */
const LABEL_CHARACTERS = 54;

/**
 * The one endpoint picker (delivery log filter, Health, Recover): description first, then a
 * readable target; the full target on hover. `all` adds a first option for "" (every endpoint).
 */
export function EndpointPicker({
  endpoints,
  value,
  onChange,
  all,
  id,
  ariaLabel,
  className,
}: {
  endpoints: Endpoint[];
  value: string;
  onChange: (endpointId: string) => void;
  all?: string;
  id?: string;
  ariaLabel?: string;
  className?: string;
}) {
  const selected = endpoints.find((endpoint) => endpoint.id === value);
  // An endpoint chosen before (a link's filter) stays chosen even if the list does not hold it.
  const unlisted = value !== "" && !selected;
  return (
    <Select
      id={id}
      aria-label={ariaLabel}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      title={selected ? endpointTarget(selected) : undefined}
      className={cn("w-[28rem] max-w-full font-mono text-xs", className)}
    >
      {all !== undefined ? <option value="">{all}</option> : null}
      {unlisted ? <option value={value}>{value}</option> : null}
      {endpoints.map((endpoint) => (
        <option key={endpoint.id} value={endpoint.id} title={endpointTarget(endpoint)}>
          {endpointLabel(endpoint, LABEL_CHARACTERS)}
        </option>
      ))}
    </Select>
  );
}
