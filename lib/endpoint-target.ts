/**
 * Where an endpoint sends, in one format for the attempts the worker records and the dashboard that
 * compares them with the endpoint's current target: its URL, or `lambda:function[:qualifier]`.
 */
export function endpointTarget(endpoint: {
  url?: string | null;
  lambda?: { functionName: string; qualifier?: string | null } | null;
}): string {
  if (endpoint.lambda) {
    const { functionName, qualifier } = endpoint.lambda;
    return `lambda:${functionName}${qualifier ? `:${qualifier}` : ""}`;
  }
  return endpoint.url ?? "";
}
