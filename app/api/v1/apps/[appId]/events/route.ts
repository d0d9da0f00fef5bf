import { json, route } from "@/lib/api/handler";
import { listEvents } from "@/lib/services/events";
import { ingestEvents } from "@/lib/engine/ingest";
import { countIngested, withIngestMetrics } from "@/lib/metrics/ingest";
import { eventsQuery } from "@/lib/validation/events";
import { ingestBodySchema, MAX_INGEST_BODY_BYTES, type IngestBody } from "@/lib/validation/ingest";

export const GET = route({ scope: "read", app: true, query: eventsQuery }, ({ params, query }) => {
  return listEvents(params.appId, query);
});

export const POST = withIngestMetrics(
  "native",
  route<{ appId: string }, IngestBody>(
    { scope: "ingest", app: true, body: ingestBodySchema, maxBodyBytes: MAX_INGEST_BODY_BYTES },
    async ({ params, body }) => {
      return json(
        countIngested("native", params.appId, await ingestEvents(params.appId, body.events)),
        202,
      );
    },
  ),
);
