import { json, readBodyBytes, route } from "@/lib/api/handler";
import { ingestPusherWebhook } from "@/lib/services/intake";
import { countIngested, withIngestMetrics } from "@/lib/metrics/ingest";
import { MAX_INGEST_BODY_BYTES } from "@/lib/validation/ingest";

// Point a Pusher-compatible server's webhook URL here; authenticated by its Pusher signature.
export const POST = withIngestMetrics(
  "pusher",
  route<{ appId: string }>({ scope: null }, async ({ req, params }) => {
    // Bytes, not text: the signature is over exactly what was received.
    const rawBody = await readBodyBytes(req, MAX_INGEST_BODY_BYTES);
    const result = countIngested(
      "pusher",
      params.appId,
      await ingestPusherWebhook(params.appId, rawBody, req.headers),
    );
    // A replay is acknowledged (a realtime server retrying a timed-out webhook stops) but not
    // accepted.
    return json(result, result.replay ? 200 : 202);
  }),
);
