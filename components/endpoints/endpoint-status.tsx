import type { Endpoint } from "@/lib/client/types";
import { Badge } from "@/components/ui/badge";

/** Herald disabled it itself (410 Gone, failures in a row); a manual disable also has a reason. */
export const isAutoDisabled = (endpoint: Endpoint) => !endpoint.enabled && endpoint.disabledAutomatically === true;

export function EndpointStatus({ endpoint }: { endpoint: Endpoint }) {
  if (endpoint.enabled) return <Badge tone="green" dot>enabled</Badge>;
  if (isAutoDisabled(endpoint)) return <Badge tone="red" dot>auto-disabled</Badge>;
  return <Badge tone="slate" dot>disabled</Badge>;
}

export function endpointTarget(endpoint: Endpoint): string {
  if (endpoint.lambda) return `lambda:${endpoint.lambda.functionName}${endpoint.lambda.qualifier ? `:${endpoint.lambda.qualifier}` : ""}`;
  return endpoint.url ?? "";
}
