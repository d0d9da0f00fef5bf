import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { ingest, engineUnderTest } from "../helpers/engine";
import { eventually } from "../helpers/receiver";

// The production start of the worker: node worker/start.mjs builds the esbuild bundle and runs it.

const engine = engineUnderTest("bundle", {}, { bundled: true });
const prefix = engine.prefix;

describe("bundled worker", () => {
  it("starts, says it is ready and delivers a signed event", async () => {
    const app = await makeApp({ batching: { enabled: false, durationMs: 50, maxBatchSize: 100 } });
    const hook = `/${uniqueId("bundle")}`;
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(hook),
      eventTypes: ["client_event"],
    });
    expect(
      (
        await ingest(app.id, [
          { id: "b-1", name: "client_event", channel: "c", event: "client-x", data: "b-1" },
        ])
      ).status,
    ).toBe(202);
    await eventually(() => engine.receiver.at(hook).length === 1, {
      timeoutMs: 20_000,
      what: "the event through the bundled worker",
    });
    expect(engine.receiver.at(hook)[0]!.headers["x-pusher-signature"]).toMatch(/^[0-9a-f]{64}$/);
    expect(engine.worker.output()).toContain("worker ready");
    const delivery = await eventually(() =>
      db.delivery.findFirst({ where: { endpointId: endpoint.id, status: "succeeded" } }),
    );
    // Sent on the direct path (claimed by routing), as a new delivery is when the worker has room.
    expect(delivery.claimJobId).toContain(`${prefix}:direct:`);
  });
});
