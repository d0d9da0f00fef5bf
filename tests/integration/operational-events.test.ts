import Pusher from "pusher";
import { describe, expect, it } from "vitest";
import * as eventTypesRoute from "@/app/api/v1/event-types/route";
import * as eventTypeRoute from "@/app/api/v1/event-types/[name]/route";
import { updateEndpoint } from "@/lib/services/endpoints";
import { emitBacklogTransitions } from "@/lib/services/operational-events";
import { makeApp, systemPrincipal, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { call } from "../helpers/api";
import { engineUnderTest, ingest } from "../helpers/engine";
import { eventually, receivedEvents, type ReceivedRequest } from "../helpers/receiver";

const engine = engineUnderTest("ops-events", { HERALD_AUTO_DISABLE_THRESHOLD: "2" });

const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };
const OPERATIONAL = [
  "herald.endpoint.disabled",
  "herald.endpoint.enabled",
  "herald.delivery.failed",
  "herald.backlog.stalled",
  "herald.backlog.recovered",
];

type Notice = { name: string; channel: string; data: Record<string, unknown> };
const notices = (requests: ReceivedRequest[]): Notice[] =>
  receivedEvents(requests).map((event) => ({
    name: event.name as string,
    channel: event.channel as string,
    data: JSON.parse(event.data as string) as Record<string, unknown>,
  }));

describe("operational events", () => {
  it("tells a second endpoint, signed, when real 500s disable the first; never the failing one", async () => {
    const app = await makeApp({ secret: "ops-app-secret" });
    const failingPath = `/${uniqueId("failing")}`;
    const watcherPath = `/${uniqueId("watcher")}`;
    engine.receiver.script(failingPath, () => ({ status: 500, body: "boom" }));
    // The failing endpoint subscribes to the notices too: it must still never get its own.
    const failing = await makeEndpoint(app.id, {
      url: engine.receiver.url(failingPath),
      eventTypes: ["channel_occupied", ...OPERATIONAL],
      batching: unbatched,
      retry: { scheduleSeconds: [] },
    });
    await makeEndpoint(app.id, {
      url: engine.receiver.url(watcherPath),
      eventTypes: ["herald.endpoint.disabled", "herald.delivery.failed"],
      batching: unbatched,
    });

    const sent = await ingest(app.id, [
      { name: "channel_occupied", channel: "room-1" },
      { name: "channel_occupied", channel: "room-2" },
    ]);
    expect(sent.status).toBe(202);

    const disabledNotice = await eventually(
      () =>
        notices(engine.receiver.at(watcherPath)).find((n) => n.name === "herald.endpoint.disabled"),
      { what: "herald.endpoint.disabled at the watcher", timeoutMs: 30_000 },
    );
    expect(disabledNotice.channel).toBe(`herald-endpoint-${failing.id}`);
    expect(disabledNotice.data).toMatchObject({
      appId: app.id,
      endpointId: failing.id,
      automatic: true,
      disabledBy: "herald",
    });
    expect(disabledNotice.data.reason).toMatch(/Disabled automatically after 2 failed deliveries/);

    // Signed like any delivery: the official SDK accepts it.
    const request = engine.receiver
      .at(watcherPath)
      .find((r) => r.body.includes("herald.endpoint.disabled"))!;
    const pusher = new Pusher({
      appId: app.id,
      key: app.key,
      secret: "ops-app-secret",
      cluster: "mt1",
    });
    expect(pusher.webhook({ headers: request.headers, rawBody: request.body }).isValid()).toBe(
      true,
    );

    // Both deliveries gave up within a minute: one herald.delivery.failed, counting from the first.
    const failedNotice = await eventually(
      () =>
        notices(engine.receiver.at(watcherPath)).find((n) => n.name === "herald.delivery.failed"),
      { what: "herald.delivery.failed at the watcher" },
    );
    expect(failedNotice.data).toMatchObject({
      endpointId: failing.id,
      lastResponseStatus: 500,
      attempts: 1,
      windowSeconds: 60,
    });
    expect(failedNotice.data.failedDeliveries).toBeGreaterThanOrEqual(1);
    expect(failedNotice.data.deliveryId).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const watcherNotices = notices(engine.receiver.at(watcherPath));
    expect(watcherNotices.filter((n) => n.name === "herald.endpoint.disabled")).toHaveLength(1);
    expect(watcherNotices.filter((n) => n.name === "herald.delivery.failed")).toHaveLength(1);
    // The failing endpoint only ever got the events it failed on.
    const failingGot = receivedEvents(engine.receiver.at(failingPath)).map((event) => event.name);
    expect(failingGot).toEqual(["channel_occupied", "channel_occupied"]);

    // Re-enabled by a person: herald.endpoint.enabled, automatic notices say who.
    await makeEndpoint(app.id, {
      url: engine.receiver.url(`${watcherPath}-enabled`),
      eventTypes: ["herald.endpoint.enabled"],
      batching: unbatched,
    });
    await updateEndpoint(systemPrincipal, app.id, failing.id, { enabled: true });
    const enabled = await eventually(() =>
      notices(engine.receiver.at(`${watcherPath}-enabled`)).find(
        (n) => n.name === "herald.endpoint.enabled",
      ),
    );
    expect(enabled.data).toMatchObject({ endpointId: failing.id, enabledBy: "bootstrap" });
  });

  it("refuses herald.* names from producers and as custom event types", async () => {
    const app = await makeApp();
    const spoofed = await ingest(app.id, [
      { name: "herald.endpoint.disabled", channel: "herald-endpoint-x" },
    ]);
    expect(spoofed.status).toBe(422);
    expect(spoofed.body.error.message).toMatch(/reserved for Herald's operational events/);
    const custom = await call(eventTypesRoute.POST, "POST", "/api/v1/event-types", {
      body: { name: "herald.custom" },
    });
    expect(custom.status).toBe(422);
    for (const name of OPERATIONAL) {
      const listed = await call(eventTypeRoute.GET, "GET", `/api/v1/event-types/${name}`, {
        params: { name },
      });
      expect(listed.status).toBe(200);
      expect(listed.body).toMatchObject({ name, builtIn: true });
    }
  });

  it("emits herald.backlog.stalled once per stall and herald.backlog.recovered when it clears", async () => {
    const app = await makeApp();
    const watcherPath = `/${uniqueId("backlog")}`;
    await makeEndpoint(app.id, {
      url: engine.receiver.url(watcherPath),
      eventTypes: ["herald.backlog.stalled", "herald.backlog.recovered"],
      batching: unbatched,
    });
    const state = (oldestDueAgeSeconds: number, deliveriesDue: number) => ({
      appId: app.id,
      deliveriesDue,
      eventsWaiting: 0,
      oldestDueAgeSeconds,
    });
    // Checked every reconcile interval by every worker: only the first check of a stall emits.
    await emitBacklogTransitions([state(400, 12)]);
    await emitBacklogTransitions([state(405, 12)]);
    await emitBacklogTransitions([state(0, 0)]);
    await emitBacklogTransitions([state(0, 0)]);
    const received = await eventually(
      () => {
        const got = notices(engine.receiver.at(watcherPath));
        return got.length >= 2 ? got : null;
      },
      { what: "a stalled and a recovered notice" },
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(notices(engine.receiver.at(watcherPath))).toHaveLength(2);
    const stalled = received.find((n) => n.name === "herald.backlog.stalled");
    const recovered = received.find((n) => n.name === "herald.backlog.recovered");
    expect(stalled?.channel).toBe("herald-backlog");
    expect(stalled?.data).toMatchObject({
      appId: app.id,
      deliveriesDue: 12,
      oldestDueAgeSeconds: 400,
      thresholdSeconds: 300,
    });
    expect(recovered?.data).toMatchObject({ appId: app.id, deliveriesDue: 0 });
  });
});
