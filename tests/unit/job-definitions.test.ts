import { describe, expect, it } from "vitest";
import { JOBS, QUEUES, parseJobPayload } from "@/lib/jobs/definitions";
import * as ids from "@/lib/jobs/ids";

describe("job table", () => {
  it("lists every id builder of lib/jobs/ids.ts under exactly one queue", () => {
    const listed = Object.values(JOBS).flatMap((definition) => Object.values(definition.ids));
    expect(new Set(listed).size).toBe(listed.length);
    expect(new Set(listed)).toEqual(new Set(Object.values(ids)));
  });

  it("builds ids BullMQ accepts (no ':'), none equal to another builder's", () => {
    const delivery = "0190a0b0-0000-7000-8000-000000000001";
    const endpoint = "0190a0b0-0000-7000-8000-000000000002";
    const built = [
      ids.routeJobId("my-app", "42"),
      ids.routeCollapseKey("my-app"),
      ids.rerouteJobId("my-app", 42n, 7),
      ids.flushJobId(endpoint, 50, 1_000),
      ids.fullBatchFlushJobId(endpoint, "42"),
      ids.reflushJobId(endpoint, 7),
      ids.deliverJobId(delivery, 1),
      ids.deliverChunkJobId(delivery, 1),
      ids.handBackJobIdPrefix(1_000) + ids.deliverJobId(delivery, 1),
      ids.reconcileJobIdPrefix(7) + ids.deliverJobId(delivery, 1),
      ids.recoverJobId(delivery),
      ids.recoverRestartJobId(delivery, 7),
      ids.maintenanceSchedulerId("reconcile"),
      ids.maintenanceSchedulerId("retention"),
      ids.retentionMoreJobId(1_000),
    ];
    for (const id of built) expect(id).not.toContain(":");
    expect(new Set(built).size).toBe(built.length);
  });

  it("checks payloads against the queue's schema", () => {
    expect(
      parseJobPayload(QUEUES.flush, { endpointId: "0190a0b0-0000-7000-8000-000000000002" }),
    ).toEqual({ endpointId: "0190a0b0-0000-7000-8000-000000000002" });
    expect(() => parseJobPayload(QUEUES.deliver, { endpointId: "x", deliveryIds: [] })).toThrow();
    expect(() => parseJobPayload(QUEUES.maintenance, { task: "vacuum" })).toThrow();
  });
});
