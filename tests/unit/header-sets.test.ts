import { describe, expect, it } from "vitest";
import { buildRequestHeaders, maskRequestHeaders } from "@/lib/delivery/headers";
import { headerSetOf, headersFromSet } from "@/lib/engine/header-sets";

// Request headers kept once per set (lib/engine/header-sets.ts): read back, they must be exactly
// the headers recorded, and two attempts of one endpoint must share a set.

const customHeaders = { "X-Tenant": "acme", Authorization: "Bearer s3cret" };

function recorded(deliveryId: string, attemptNumber: number, startedAt: Date) {
  const headers = buildRequestHeaders({
    body: '{"time_ms":1,"events":[]}',
    appKey: "app-key",
    appSecret: "app-secret",
    deliveryId,
    attemptNumber,
    customHeaders,
    standardWebhookSecrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    now: startedAt,
  });
  return maskRequestHeaders(headers, customHeaders);
}

describe("request header sets", () => {
  const first = {
    deliveryId: "0190a0b0-0000-7000-8000-000000000001",
    number: 1,
    startedAt: new Date("2026-12-07T10:00:00.999Z"),
  };
  const second = {
    deliveryId: "0190a0b0-0000-7000-8000-000000000002",
    number: 3,
    startedAt: new Date("2026-12-07T11:30:00.001Z"),
  };

  it("keeps what attempts of an endpoint share, and gives each its own headers back exactly", () => {
    const headersOfFirst = recorded(first.deliveryId, first.number, first.startedAt);
    const headersOfSecond = recorded(second.deliveryId, second.number, second.startedAt);
    const set = headerSetOf(headersOfFirst, first);
    expect(headerSetOf(headersOfSecond, second)).toEqual(set);
    expect(set.derived).toEqual([
      "X-Herald-Attempt",
      "X-Herald-Delivery-Id",
      "webhook-id",
      "webhook-timestamp",
    ]);
    // Secrets stay masked in the set.
    expect(set.headers).toMatchObject({ Authorization: "********", "X-Tenant": "********" });
    expect(headersFromSet(set, first)).toEqual(headersOfFirst);
    expect(headersFromSet(set, second)).toEqual(headersOfSecond);
    expect(headersOfSecond["webhook-timestamp"]).toBe(
      String(Math.floor(second.startedAt.getTime() / 1000)),
    );
  });

  it("keeps a value that differs from the attempt row as it was sent", () => {
    // Sent as attempt 2 but recorded as attempt 1: the value is kept, not derived.
    const headers = recorded(first.deliveryId, 2, first.startedAt);
    const set = headerSetOf(headers, first);
    expect(set.derived).not.toContain("X-Herald-Attempt");
    expect(set.headers["X-Herald-Attempt"]).toBe("2");
    expect(headersFromSet(set, first)).toEqual(headers);
    // No headers at all (an attempt that never left): an empty set.
    expect(headerSetOf({}, first)).toEqual({ headers: {}, derived: [] });
  });
});
