import { describe, expect, it } from "vitest";
import * as overviewRoute from "@/app/api/v1/overview/route";
import * as tokensRoute from "@/app/api/v1/api-tokens/route";
import { db } from "@/lib/db";
import { call } from "../helpers/api";
import { makeApp } from "../factories";
import { makeEndpoint } from "../factories/endpoints";

async function addDeliveries(
  appId: string,
  endpointId: string,
  statuses: ("succeeded" | "failed" | "pending")[],
) {
  const deliveries = await db.delivery.createManyAndReturn({
    data: statuses.map((status, index) => ({
      appId,
      endpointId,
      eventIds: [`e${index}`],
      eventNames: ["channel_occupied"],
      channels: ["c"],
      body: "{}",
      status,
      attemptCount: status === "pending" ? 0 : 1,
    })),
  });
  // A delivery ends with its last attempt: the overview counts it then.
  await db.attempt.createMany({
    data: deliveries
      .filter((delivery) => delivery.status !== "pending")
      .map((delivery) => ({
        deliveryId: delivery.id,
        number: 1,
        requestHeaders: {},
        responseStatus: delivery.status === "succeeded" ? 200 : 500,
        durationMs: 20,
        startedAt: new Date(),
      })),
  });
}

describe("overview API", () => {
  it("counts endpoints, today's deliveries and the failure rate per app", async () => {
    const app = await makeApp();
    const endpoint = await makeEndpoint(app.id);
    await makeEndpoint(app.id, { enabled: false });
    await addDeliveries(app.id, endpoint.id, [
      "succeeded",
      "succeeded",
      "succeeded",
      "failed",
      "pending",
    ]);

    const result = await call(overviewRoute.GET, "GET", "/api/v1/overview");
    expect(result.status).toBe(200);
    const row = result.body.data.find((entry: { appId: string }) => entry.appId === app.id);
    expect(row).toEqual({
      appId: app.id,
      endpoints: 2,
      enabledEndpoints: 1,
      deliveriesToday: 5,
      failedToday: 1,
      failureRate: 0.25,
    });
  });

  it("shows an app-scoped token only its own app", async () => {
    const app = await makeApp();
    await makeApp();
    const token = await call(tokensRoute.POST, "POST", "/api/v1/api-tokens", {
      body: { name: "scoped", scopes: ["read"], appId: app.id },
    });
    const result = await call(overviewRoute.GET, "GET", "/api/v1/overview", {
      token: token.body.token,
    });
    expect(result.body.data.map((entry: { appId: string }) => entry.appId)).toEqual([app.id]);
    expect(result.body.data[0].failureRate).toBeNull();
  });
});
