// The outgoing body: {"time_ms": <delivery created>, "events": [...]}, serialised once when the
// delivery row is written and stored as-is, so the signed bytes are exactly the sent bytes.

import { slackBody } from "./slack-body";

type EventPayload = Record<string, unknown> & { name: string; channel: string };

/** Pusher's own fields first, in the order Pusher sends them; custom/push fields after. */
const KNOWN_ORDER = ["name", "channel", "event", "data", "socket_id", "user_id"];

/** Postgres jsonb does not keep key order, so outgoing objects are rebuilt in a stable order. */
function orderedPayload(payload: Record<string, unknown>): EventPayload {
  const ordered: Record<string, unknown> = {};
  for (const key of KNOWN_ORDER) if (payload[key] !== undefined) ordered[key] = payload[key];
  for (const key of Object.keys(payload).sort()) if (!(key in ordered)) ordered[key] = payload[key];
  return ordered as EventPayload;
}

export function deliveryBody(timeMs: number, payloads: Record<string, unknown>[]): string {
  return JSON.stringify({ time_ms: timeMs, events: payloads.map(orderedPayload) });
}

/** The body in the endpoint's format: Pusher's, or Slack's {text} (lib/delivery/slack-body.ts). */
export function endpointBody(
  endpoint: { appId: string; bodyFormat?: "pusher" | "slack" },
  deliveryId: string,
  timeMs: number,
  payloads: Record<string, unknown>[],
): string {
  if (endpoint.bodyFormat === "slack")
    return slackBody(endpoint.appId, deliveryId, payloads as EventPayload[]);
  return deliveryBody(timeMs, payloads);
}
