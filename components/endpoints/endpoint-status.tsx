import type { Endpoint } from "@/lib/client/types";
import { Badge } from "@/components/ui/badge";

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

export function endpointTarget(endpoint: Endpoint): string {
  if (endpoint.lambda)
    return `lambda:${endpoint.lambda.functionName}${endpoint.lambda.qualifier ? `:${endpoint.lambda.qualifier}` : ""}`;
  return endpoint.url ?? "";
}

/**
 * The target in at most `max` characters: no scheme, and when cut, its start and its path end kept.
 */
export function shortTarget(endpoint: Endpoint, max: number): string {
  const target = endpointTarget(endpoint).replace(/^https?:\/\//, "");
  if (target.length <= max) return target;
  const tail = Math.floor((max - 1) / 2);
  return `${target.slice(0, max - 1 - tail)}…${target.slice(-tail)}`;
}

/** For a narrow picker: endpoints on one host differ by description or path end, so keep those. */
export function endpointLabel(endpoint: Endpoint, max: number): string {
  const description = endpoint.description.trim();
  if (!description) return shortTarget(endpoint, max);
  const shortDescription =
    description.length > max / 2
      ? `${description.slice(0, Math.floor(max / 2) - 1)}…`
      : description;
  return `${shortDescription} · ${shortTarget(endpoint, max - shortDescription.length - 3)}`;
}
