import { describe, expect, it } from "vitest";
import * as appsRoute from "@/app/api/v1/apps/route";
import * as appRoute from "@/app/api/v1/apps/[appId]/route";
import { call } from "../helpers/api";
import { makeApp, uniqueId } from "../factories";

// The app's presence settings through the REST API: defaults, updates, and a 422 naming the field
// and its range.

const patch = (appId: string, body: unknown) =>
  call(appRoute.PATCH, "PATCH", `/api/v1/apps/${appId}`, { params: { appId }, body });

describe("presence settings", () => {
  it("default to off, and change field by field", async () => {
    const id = uniqueId("presence");
    const created = await call(appsRoute.POST, "POST", "/api/v1/apps", {
      body: { id, name: "Presence" },
    });
    expect(created.body.presenceGrace).toEqual({ enabled: false, durationMs: 3000 });
    expect(created.body.subscriptionCountThrottle).toEqual({ enabled: false, windowMs: 5000 });
    const throttled = await patch(id, {
      subscriptionCountThrottle: { enabled: true, windowMs: 1000 },
    });
    expect(throttled.body.subscriptionCountThrottle).toEqual({ enabled: true, windowMs: 1000 });
    const updated = await patch(id, { presenceGrace: { enabled: true } });
    expect(updated.status).toBe(200);
    expect(updated.body.presenceGrace).toEqual({ enabled: true, durationMs: 3000 });
    expect((await patch(id, { presenceGrace: { durationMs: 0 } })).body.presenceGrace).toEqual({
      enabled: true,
      durationMs: 0,
    });
  });

  it.each([
    [{ presenceGrace: { durationMs: 60_001 } }, "presenceGrace.durationMs", "from 0 to 60000"],
    [{ presenceGrace: { durationMs: -1 } }, "presenceGrace.durationMs", "from 0 to 60000"],
    [{ presenceGrace: { durationMs: 1.5 } }, "presenceGrace.durationMs", "from 0 to 60000"],
    [{ presenceGrace: { enabled: "yes" } }, "presenceGrace.enabled", ""],
    [
      { subscriptionCountThrottle: { windowMs: 999 } },
      "subscriptionCountThrottle.windowMs",
      "from 1000 to 60000",
    ],
    [
      { subscriptionCountThrottle: { windowMs: 60_001 } },
      "subscriptionCountThrottle.windowMs",
      "from 1000 to 60000",
    ],
  ])("refuse %o with a 422 naming the field", async (body, field, range) => {
    const app = await makeApp();
    const response = await patch(app.id, body);
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe("validation_failed");
    const detail = response.body.error.details.find(
      (entry: { field: string }) => entry.field === field,
    );
    expect(detail.issue).toContain(range);
  });
});
