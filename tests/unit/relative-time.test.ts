import { describe, expect, it } from "vitest";
import { relativeTime } from "@/lib/client/relative-time";

const now = Date.parse("2026-12-06T12:00:00Z");
const at = (offsetSeconds: number) => new Date(now + offsetSeconds * 1000);

describe("relativeTime", () => {
  it("never shows a past event in the future when the page's clock lags", () => {
    // Saved 6 s "after" the page's last tick: it happened now, not in 6 seconds.
    expect(relativeTime(at(6), now)).toBe("just now");
    expect(relativeTime(at(90), now)).toBe("just now");
    expect(relativeTime(at(-120), now)).toBe("2 minutes ago");
  });

  it("keeps times meant to be ahead in the future", () => {
    expect(relativeTime(at(30), now, { future: true })).toBe("in 30 seconds");
    expect(relativeTime(at(2 * 3600), now, { future: true })).toBe("in 2 hours");
    expect(relativeTime(at(-3600), now, { future: true })).toBe("1 hour ago");
  });
});
