import { describe, expect, it } from "vitest";
import { AUTO_DISABLED_ADVICE, autoDisabledReason } from "@/lib/client/endpoint-notice";

const mentionsOfEnabling = (text: string) =>
  (text.match(/re-?enable|enable the endpoint/gi) ?? []).length;

describe("the auto-disabled banner", () => {
  it("gives its advice once, whichever reason disabled the endpoint", () => {
    // The reasons the engine writes (lib/engine/record.ts).
    const reasons = [
      "Disabled automatically after 20 failed deliveries in a row (last error: HTTP 500). Failed deliveries are kept: re-enable the endpoint and use Recover.",
      "The endpoint answered 410 Gone on 2026-12-06T09:00:00.000Z; Herald disabled it. Re-enable it once it accepts webhooks again.",
    ];
    for (const reason of reasons) {
      const banner = `${autoDisabledReason(reason)} ${AUTO_DISABLED_ADVICE}`;
      expect(mentionsOfEnabling(banner)).toBe(1);
      expect(banner.match(/kept/g)).toHaveLength(1);
    }
    expect(autoDisabledReason(reasons[0]!)).toBe(
      "Disabled automatically after 20 failed deliveries in a row (last error: HTTP 500).",
    );
  });

  it("keeps a reason without advice whole", () => {
    expect(autoDisabledReason("Disabled by user:ops@example.com")).toBe(
      "Disabled by user:ops@example.com",
    );
    expect(autoDisabledReason(null)).toBe("");
  });
});
