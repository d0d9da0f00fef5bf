import type { IngestResult } from "../engine/ingest";
import { metrics } from "./registry";

type IngestRoute = "native" | "pusher";
type RouteHandler<Req, Context> = (req: Req, context: Context) => Promise<Response>;

/** Counts the accepted and duplicate events of one intake request; returns the result as is. */
export function countIngested<Result extends IngestResult>(
  route: IngestRoute,
  appId: string,
  result: Result,
): Result {
  const { eventsIngested } = metrics();
  if (result.accepted.length > 0)
    eventsIngested.inc({ app: appId, route, result: "accepted" }, result.accepted.length);
  if (result.duplicates.length > 0)
    eventsIngested.inc({ app: appId, route, result: "duplicate" }, result.duplicates.length);
  return result;
}

/**
 * Counts refused intake requests (one each: a refused body may not even parse into events). The
 * app label is kept only once the caller is known to reach a real app: unauthenticated callers
 * naming random app ids must not grow the label set.
 */
export function withIngestMetrics<
  Req extends Request,
  Context extends { params: Promise<Record<string, string>> },
>(route: IngestRoute, handler: RouteHandler<Req, Context>): RouteHandler<Req, Context> {
  return async (req, context) => {
    const response = await handler(req, context);
    if (response.status >= 400) {
      // 413: the Pusher intake reads the body before it can check the signature.
      const known = ![401, 403, 404, 413].includes(response.status);
      const app = known ? ((await context.params).appId ?? "") : "";
      metrics().eventsIngested.inc({ app, route, result: "rejected" });
    }
    return response;
  };
}
