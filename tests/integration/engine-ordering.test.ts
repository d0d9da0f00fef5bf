import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { engineUnderTest, ingest } from "../helpers/engine";
import { channelEvents, orderedPath, type OrderedPath } from "../helpers/ordered-receiver";
import { eventually } from "../helpers/receiver";

// Ordering "channel" end to end: two real worker processes share one queue, a real receiver on
// 127.0.0.1 counts the requests in flight per channel and the order each channel's events arrive.

const engine = engineUnderTest("ordering", {}, { workers: 2 });

async function orderedEndpoint(
  name: string,
  scheduleSeconds: number[],
  respond?: Parameters<typeof orderedPath>[2],
): Promise<{ appId: string; endpointId: string; path: OrderedPath }> {
  const app = await makeApp();
  const hook = `/${uniqueId(name)}`;
  const path = orderedPath(engine.receiver, hook, respond);
  const endpoint = await makeEndpoint(app.id, {
    url: engine.receiver.url(hook),
    eventTypes: ["client_event"],
    batching: { enabled: false, durationMs: 50, maxBatchSize: 100 },
    ordering: "channel",
    retry: { scheduleSeconds },
  });
  return { appId: app.id, endpointId: endpoint.id, path };
}

const accepted = (path: OrderedPath, channel: string) =>
  (path.seen.get(channel) ?? []).filter((entry) => entry.status < 300);

describe("ordering per channel", () => {
  it("keeps a flaky channel in order without slowing the others", async () => {
    // The first attempt of presence-a's first event fails: its retry comes about 2 s later.
    const { appId, path } = await orderedEndpoint("flaky", [2], ({ channel, index }, attempt) =>
      channel === "presence-a" && index === 0 && attempt === 1 ? { status: 500 } : {},
    );
    expect((await ingest(appId, channelEvents(["presence-a", "presence-b"], 0, 5))).status).toBe(
      202,
    );
    await eventually(() => path.seen.get("presence-a")?.length, { what: "the failed attempt" });
    // More of presence-b while presence-a's retry waits: they go at once.
    expect((await ingest(appId, channelEvents(["presence-b"], 5, 10))).status).toBe(202);
    await eventually(() => accepted(path, "presence-b").length === 10, { what: "presence-b" });
    const retried = () => path.seen.get("presence-a")!.length > 1;
    expect(retried(), "presence-b finished while presence-a's retry waited").toBe(false);

    await eventually(() => accepted(path, "presence-a").length === 5, { what: "presence-a" });
    path.expectInOrder({ "presence-a": 5, "presence-b": 10 });
    const bDone = accepted(path, "presence-b").at(-1)!.at;
    const aRetry = path.seen.get("presence-a")![1]!.at;
    expect(bDone).toBeLessThan(aRetry);
    expect(path.maxInFlight()).toBe(1);
  });

  it("never has two requests of one channel in flight across two workers", async () => {
    const channels = ["c1", "c2", "c3", "c4"];
    // Slow answers and a few failures, so both workers have work while channels are held.
    const { appId, path } = await orderedEndpoint("two-workers", [1], ({ index }, attempt) =>
      index % 7 === 3 && attempt === 1 ? { status: 503 } : { delayMs: 20 + ((index * 13) % 30) },
    );
    for (let from = 0; from < 25; from += 5)
      expect((await ingest(appId, channelEvents(channels, from, from + 5))).status).toBe(202);
    await eventually(() => channels.every((channel) => accepted(path, channel).length === 25), {
      what: "every channel's events",
      timeoutMs: 45_000,
    });
    path.expectInOrder(Object.fromEntries(channels.map((channel) => [channel, 25])));
    expect(path.maxInFlight()).toBe(1);
  });

  it("releases the channel of a delivery that gives up", async () => {
    // No retries: a#1 fails for good on its only attempt.
    const { appId, endpointId, path } = await orderedEndpoint("give-up", [], ({ index }) =>
      index === 1 ? { status: 500 } : {},
    );
    expect((await ingest(appId, channelEvents(["a"], 0, 5))).status).toBe(202);
    await eventually(() => accepted(path, "a").length === 4, { what: "the rest of channel a" });
    expect(path.seen.get("a")!.map((entry) => entry.index)).toEqual([0, 1, 2, 3, 4]);
    const failed = await db.delivery.findMany({ where: { endpointId, status: "failed" } });
    expect(failed).toHaveLength(1);
    expect(failed[0]!.lastError).toContain("HTTP 500");
    await eventually(
      async () => (await db.deliveryChannel.count({ where: { endpointId } })) === 0,
      { what: "every channel released" },
    );
  });
});
