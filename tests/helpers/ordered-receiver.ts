import { expect } from "vitest";
import type { ReceivedRequest, Receiver, ScriptedResponse } from "./receiver";

// A receiver path that checks the promise of ordering "channel" as it goes: how many requests
// carry each channel at once (never more than one), and per channel the events it saw, in order.
// Events are client events whose data is "<channel>#<index>", ingested in index order.

type Seen = { index: number; status: number; at: number };

export type OrderedPath = {
  /** Per channel, every event received (failed attempts included), in arrival order. */
  seen: Map<string, Seen[]>;
  /** The most requests in flight at once for one channel. */
  maxInFlight: () => number;
  /**
   * Asserts each channel's accepted events are exactly 0..count-1, in order, each once; with
   * `repeats`, an event may come again right after itself (at least once: a worker killed before
   * it recorded an answer sends that request again).
   */
  expectInOrder: (counts: Record<string, number>, options?: { repeats?: boolean }) => void;
  /** The distinct events of the channel the receiver accepted. */
  acceptedCount: (channel: string) => number;
};

export function orderedPath(
  receiver: Receiver,
  hook: string,
  respond: (
    event: { channel: string; index: number },
    attempt: number,
  ) => ScriptedResponse = () => ({
    delayMs: 20,
  }),
): OrderedPath {
  const seen = new Map<string, Seen[]>();
  const inFlight = new Map<string, number>();
  const attempts = new Map<string, number>();
  let most = 0;
  receiver.script(hook, (request: ReceivedRequest) => {
    const events = (JSON.parse(request.body) as { events: { channel: string; data: string }[] })
      .events;
    const response = events
      .map((event) => {
        const index = Number(event.data.split("#")[1]);
        const key = event.data;
        const attempt = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, attempt);
        return respond({ channel: event.channel, index }, attempt);
      })
      .reduce<ScriptedResponse>(
        (worst, next) => ((next.status ?? 200) > (worst.status ?? 200) ? next : worst),
        {},
      );
    const delayMs = Math.max(response.delayMs ?? 0, 20);
    const channels = [...new Set(events.map((event) => event.channel))];
    for (const channel of channels) {
      const now = (inFlight.get(channel) ?? 0) + 1;
      inFlight.set(channel, now);
      most = Math.max(most, now);
      // Released just before the response is written (the receiver waits delayMs first).
      setTimeout(() => inFlight.set(channel, inFlight.get(channel)! - 1), delayMs);
    }
    for (const event of events) {
      const list = seen.get(event.channel) ?? [];
      list.push({
        index: Number(event.data.split("#")[1]),
        status: response.status ?? 200,
        at: request.receivedAt,
      });
      seen.set(event.channel, list);
    }
    return { ...response, delayMs };
  });
  return {
    seen,
    maxInFlight: () => most,
    acceptedCount: (channel) =>
      new Set((seen.get(channel) ?? []).filter((e) => e.status < 300).map((e) => e.index)).size,
    expectInOrder: (counts, options = {}) => {
      for (const [channel, count] of Object.entries(counts)) {
        const list = seen.get(channel) ?? [];
        const indexes = list.map((entry) => entry.index);
        // Never an event before an earlier one (a retry repeats its own index).
        expect(indexes, `channel ${channel}`).toEqual([...indexes].sort((a, b) => a - b));
        const accepted = list
          .filter((entry) => entry.status < 300)
          .map((entry) => entry.index)
          .filter((index, at, all) => !options.repeats || at === 0 || all[at - 1] !== index);
        expect(accepted, `channel ${channel}`).toEqual(
          Array.from({ length: count }, (_, index) => index),
        );
      }
    },
  };
}

/** Client events "<channel>#<index>" for indexes from..to-1 of each channel, interleaved. */
export function channelEvents(channels: string[], from: number, to: number) {
  const events: { name: string; channel: string; event: string; data: string }[] = [];
  for (let index = from; index < to; index++)
    for (const channel of channels)
      events.push({
        name: "client_event",
        channel,
        event: "client-x",
        data: `${channel}#${index}`,
      });
  return events;
}
