import { channelChecks, clientEventChecks, type RuleCheck } from "../matching";
import type { ChannelFilter } from "./types";

// The form's live "would this match?" check: the very rules routing applies (lib/matching.ts),
// with a reason per filter field. The API re-validates the pattern (ReDoS check) on save.

export type MatchPreview = {
  matches: boolean;
  reasons: RuleCheck[];
};

/**
 * A channel, and optionally a client event name: with one, the check is for a client_event on
 * that channel, so the client-event fields apply too.
 */
export function previewMatch(
  filter: ChannelFilter,
  channel: string,
  clientEvent?: string,
): MatchPreview {
  const reasons = [
    ...channelChecks(filter, channel),
    ...(clientEvent
      ? clientEventChecks(filter, {
          name: "client_event",
          channel,
          payload: { event: clientEvent },
        })
      : []),
  ];
  return { matches: reasons.every((reason) => reason.ok), reasons };
}
