import { describe, expect, it } from "vitest";
import { stopReason } from "@/lib/client/delivery-state";

const gaveUp = "gave up after 3 attempts; last: HTTP 500";

describe("stopReason", () => {
  it("labels a finished run's error as the previous attempt's while the delivery is sent again", () => {
    for (const status of ["pending", "delivering"] as const) {
      const reason = stopReason({ status, lastError: gaveUp });
      expect(reason).toEqual({
        title: "Sending again",
        tone: "indigo",
        text: `Previous attempt: ${gaveUp}`,
      });
      expect(reason!.title).not.toMatch(/retrying|failed/);
    }
  });

  it("says why a delivery failed, is retrying, waits or was cancelled; nothing once it succeeded", () => {
    expect(stopReason({ status: "failed", lastError: gaveUp })?.title).toBe("Why it failed");
    expect(stopReason({ status: "retrying", lastError: "HTTP 503" })?.title).toBe(
      "Last error: retrying",
    );
    expect(
      stopReason({ status: "pending", lastError: "waiting for the endpoint's rate limit" })?.title,
    ).toBe("Why it is waiting");
    expect(stopReason({ status: "cancelled", lastError: "endpoint deleted" })?.title).toBe(
      "Why it was cancelled",
    );
    expect(stopReason({ status: "succeeded", lastError: gaveUp })).toBeNull();
    expect(stopReason({ status: "delivering", lastError: null })).toBeNull();
  });
});
