import { describe, expect, it } from "vitest";
import { recoverySummary, recoveryStillMoving } from "@/lib/client/recovery-summary";
import type { BackgroundJob } from "@/lib/client/types";

const job = (fields: Partial<BackgroundJob>) =>
  ({ status: "succeeded", processed: 13, total: 13, outcome: null, ...fields }) as BackgroundJob;

describe("recoverySummary", () => {
  it("reports a finished job as re-queued, with how the deliveries ended, not as succeeded", () => {
    const summary = recoverySummary(
      job({ outcome: { succeeded: 0, failed: 13, pending: 0 }, result: { requeued: 13 } }),
    );
    expect(summary.phase).toBe("settled");
    expect(summary.lines).toEqual([
      "Re-queued 13 deliveries",
      "0 succeeded · 13 failed · 0 still pending",
    ]);
    expect(summary.lines.join(" ")).not.toMatch(/100%/);
  });

  it("stays delivering, and polled, while some deliveries are still pending", () => {
    const moving = job({ outcome: { succeeded: 2, failed: 1, pending: 10 } });
    expect(recoverySummary(moving).phase).toBe("delivering");
    expect(recoveryStillMoving(moving)).toBe(true);
    expect(recoveryStillMoving(job({ outcome: { succeeded: 2, failed: 11, pending: 0 } }))).toBe(
      false,
    );
  });

  it("shows the re-queue count while the job runs", () => {
    const running = job({ status: "running", processed: 1, total: 13 });
    expect(recoverySummary(running)).toEqual({
      phase: "requeueing",
      lines: ["Re-queueing: 1 of 13 deliveries"],
    });
    expect(recoveryStillMoving(running)).toBe(true);
    expect(
      recoverySummary(job({ processed: 1, outcome: { succeeded: 1, failed: 0, pending: 0 } }))
        .lines[0],
    ).toBe("Re-queued 1 delivery");
  });
});
