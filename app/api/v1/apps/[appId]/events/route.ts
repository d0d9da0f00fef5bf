import { json, route } from "@/lib/api/handler";
import { requireAppAccess } from "@/lib/auth/principal";
import { listEvents } from "@/lib/services/events";
import { ingestEvents } from "@/lib/services/ingest";
import { countIngested, withIngestMetrics } from "@/lib/metrics/ingest";
import { eventsQuery } from "@/lib/validation/events";
import { ingestBodySchema, MAX_INGEST_BODY_BYTES, type IngestBody } from "@/lib/validation/ingest";

export const GET = route({ scope: "read", query: eventsQuery }, ({ principal, params, query }) => {
  requireAppAccess(principal, params.appId);
  return listEvents(params.appId, query);
});

export const POST = withIngestMetrics(
  "native",
  route<{ appId: string }, IngestBody>(
    { scope: "ingest", body: ingestBodySchema, maxBodyBytes: MAX_INGEST_BODY_BYTES },
    async ({ principal, params, body }) => {
      requireAppAccess(principal, params.appId);
      return json(
        countIngested("native", params.appId, await ingestEvents(params.appId, body.events)),
        202,
      );
    },
  ),
);
