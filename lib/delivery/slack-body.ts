import { env } from "../env";
import { RESERVED_EVENT_PREFIX } from "../validation/event-types";

// The body of an endpoint whose bodyFormat is "slack": {"text": ...} for a Slack incoming webhook,
// one readable line per event and a link to the delivery in the dashboard. Herald's operational
// events get a sentence each; any other event a line with its name and channel (its data is left
// out: a chat line is not the place for a payload, and the delivery log keeps it).

type EventPayload = Record<string, unknown> & { name: string; channel: string };

/** Slack mrkdwn escapes exactly these three. */
const escape = (text: unknown) =>
  String(text).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
const code = (text: unknown) => `\`${escape(text).replaceAll("`", "'")}\``;

const MAX_LINES = 50;

function dashboardUrl(path: string): string {
  const base = env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`;
  return `${base.replace(/\/+$/, "")}${path}`;
}

const deliveryUrl = (appId: string, deliveryId: string) =>
  dashboardUrl(
    `/apps/${encodeURIComponent(appId)}/deliveries?delivery=${encodeURIComponent(deliveryId)}`,
  );

function operationalData(event: EventPayload): Record<string, unknown> {
  try {
    return typeof event.data === "string"
      ? (JSON.parse(event.data) as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function operationalLine(appId: string, event: EventPayload): string {
  const data = operationalData(event);
  const endpoint = code(data.endpointId);
  switch (event.name) {
    case "herald.endpoint.disabled":
      return data.automatic
        ? `:no_entry: Endpoint ${endpoint} was disabled automatically: ${escape(data.reason)}`
        : `:no_entry: Endpoint ${endpoint} was disabled by ${escape(data.disabledBy)}`;
    case "herald.endpoint.enabled":
      return `:white_check_mark: Endpoint ${endpoint} was enabled by ${escape(data.enabledBy)}`;
    case "herald.delivery.failed": {
      const failed = Number(data.failedDeliveries ?? 1);
      const link = data.deliveryId
        ? ` (<${deliveryUrl(appId, String(data.deliveryId))}|last one>)`
        : "";
      return `:x: ${failed} ${failed === 1 ? "delivery" : "deliveries"} to endpoint ${endpoint} gave up after ${escape(data.attempts)} attempts; last error: ${escape(data.lastError ?? "none")}${link}`;
    }
    case "herald.backlog.stalled":
      return `:hourglass: App ${code(appId)} is stalled: ${escape(data.deliveriesDue)} deliveries due and ${escape(data.eventsWaiting)} events waiting, the oldest for ${escape(data.oldestDueAgeSeconds)} s (alert after ${escape(data.thresholdSeconds)} s)`;
    case "herald.backlog.recovered":
      return `:white_check_mark: App ${code(appId)} is delivering again (oldest waiting work ${escape(data.oldestDueAgeSeconds)} s)`;
    default:
      return `${code(event.name)} on ${code(event.channel)}`;
  }
}

function eventLine(appId: string, event: EventPayload): string {
  if (event.name.startsWith(RESERVED_EVENT_PREFIX)) return operationalLine(appId, event);
  const details = [
    event.event !== undefined ? `event ${code(event.event)}` : "",
    event.user_id !== undefined ? `user ${code(event.user_id)}` : "",
  ].filter(Boolean);
  return `${code(event.name)} on ${code(event.channel)}${details.length ? ` (${details.join(", ")})` : ""}`;
}

export function slackBody(appId: string, deliveryId: string, events: EventPayload[]): string {
  const lines = events.slice(0, MAX_LINES).map((event) => eventLine(appId, event));
  if (events.length > MAX_LINES) lines.push(`…and ${events.length - MAX_LINES} more events`);
  lines.push(`<${deliveryUrl(appId, deliveryId)}|View this delivery in Herald>`);
  return JSON.stringify({ text: lines.join("\n") });
}
