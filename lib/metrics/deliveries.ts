import type { Outcome } from "../engine/record";
import { metrics } from "./registry";

/**
 * Counts one recorded chunk of outcomes: in memory only, no query. The lag is observed on first
 * automatic attempts, so a retry's schedule does not read as lag.
 */
export function recordDeliveryOutcomes(appId: string, endpointId: string, outcomes: Outcome[]) {
  if (outcomes.length === 0) return;
  const { deliveries, attemptDuration, deliveryLag } = metrics();
  const byOutcome = new Map<Outcome["status"], number>();
  const durations = attemptDuration.labels({ app: appId, endpoint: endpointId });
  const lag = deliveryLag.labels({ app: appId });
  for (const outcome of outcomes) {
    byOutcome.set(outcome.status, (byOutcome.get(outcome.status) ?? 0) + 1);
    durations.observe(outcome.sent.result.durationMs / 1000);
    const { delivery, sent } = outcome;
    if (delivery.attemptNumber === 1 && delivery.trigger === "auto")
      lag.observe(
        Math.max(
          0,
          sent.startedAt.getTime() - (delivery.receivedAt ?? delivery.createdAt).getTime(),
        ) / 1000,
      );
  }
  for (const [outcome, count] of byOutcome)
    deliveries.inc({ app: appId, endpoint: endpointId, outcome }, count);
}
