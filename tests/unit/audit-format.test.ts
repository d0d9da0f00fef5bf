import { describe, expect, it } from "vitest";
import { orderedChanges, summarizeChanges } from "@/lib/client/audit-format";

const endpointId = "0193c4a0-1111-7000-8000-000000000001";

describe("summarizeChanges", () => {
  it("puts keys in a fixed, meaningful order whatever order they were stored in", () => {
    // The order Postgres' jsonb hands them back in.
    const stored = {
      since: "2026-12-05T09:00:00.000Z",
      total: 13,
      until: "2026-12-06T09:00:00.000Z",
      endpointId,
      eventTypes: null,
    };
    const names = (id: string) => (id === endpointId ? "Audit sink (fail)" : undefined);
    expect(summarizeChanges(stored, names)).toBe(
      "endpointId=Audit sink (fail)  ·  eventTypes=all event types  ·  since=2026-12-05T09:00:00.000Z  ·  until=2026-12-06T09:00:00.000Z  ·  total=13",
    );
    expect(Object.keys(orderedChanges(stored))).toEqual([
      "endpointId",
      "eventTypes",
      "since",
      "until",
      "total",
    ]);
  });

  it("never prints null raw, and reads updates as from → to", () => {
    const line = summarizeChanges({
      description: { from: "Old", to: "New" },
      rateLimitPerSecond: { from: null, to: 5 },
      endpointId: null,
    });
    expect(line).not.toMatch(/null/);
    expect(line).toBe(
      "description=Old → New  ·  endpointId=all endpoints  ·  rateLimitPerSecond=none → 5",
    );
  });

  it("keeps an endpoint id it cannot name (a deleted endpoint)", () => {
    expect(summarizeChanges({ endpointId }, () => undefined)).toBe(`endpointId=${endpointId}`);
  });
});
