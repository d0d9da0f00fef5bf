import type { Endpoint } from "@/lib/client/types";
import { Badge } from "@/components/ui/badge";
import { endpointTarget } from "@/lib/endpoint-target";

/** Herald disabled it itself (410 Gone, failures in a row); a manual disable also has a reason. */
export const isAutoDisabled = (endpoint: Endpoint) =>
  !endpoint.enabled && endpoint.disabledAutomatically;

export function EndpointStatus({ endpoint }: { endpoint: Endpoint }) {
  if (endpoint.enabled)
    return (
      <Badge tone="green" dot>
        enabled
      </Badge>
    );
  if (isAutoDisabled(endpoint))
    return (
      <Badge tone="red" dot>
        auto-disabled
      </Badge>
    );
  return (
    <Badge tone="slate" dot>
      disabled
    </Badge>
  );
}

/**
 * The target in at most `max` characters: no scheme, and when cut, its start and its path end kept.
 */
export function shortTarget(endpoint: Endpoint, max: number): string {
  return shortenTarget(endpointTarget(endpoint), max);
}

/** A recorded target (URL or Lambda function) in at most `max` characters, as shortTarget. */
export function shortenTarget(recorded: string, max: number): string {
  const target = recorded.replace(/^https?:\/\//, "");
  if (target.length <= max) return target;
  const tail = Math.floor((max - 1) / 2);
  return `${target.slice(0, max - 1 - tail)}…${target.slice(-tail)}`;
}

/**
 * An endpoint as every picker names it: its description first, then its target without the
 * scheme, in at most `max` characters. The target is cut in the middle (its host start and path
 * end stay); the description only when it would leave the target under 22 characters. Pickers are
 * sized for `max`, so the box never cuts the label a second time.
 */
export function endpointLabel(endpoint: Endpoint, max: number): string {
  const description = endpoint.description.trim();
  if (!description) return shortTarget(endpoint, max);
  const target = shortTarget(endpoint, Number.MAX_SAFE_INTEGER);
  const full = `${description} · ${target}`;
  if (full.length <= max) return full;
  // The target keeps at least this much (host start and path end).
  const minTarget = Math.min(target.length, 22);
  if (description.length + 3 + minTarget <= max)
    return `${description} · ${shortTarget(endpoint, max - description.length - 3)}`;
  return `${description.slice(0, max - 3 - minTarget - 1)}… · ${shortTarget(endpoint, minTarget)}`;
}
