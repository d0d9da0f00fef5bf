import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { pusherSignature, verifyPusherSignature } from "@/lib/signing/pusher";
import { standardWebhookHeaders, standardWebhookSignature } from "@/lib/signing/standard-webhooks";
import { deliveryBody } from "@/lib/engine/deliveries";

describe("Pusher signature (test vectors in docs/engine.md#signature-test-vectors)", () => {
  it("signs vector 1", () => {
    const body =
      '{"time_ms":1403175510755,"events":[{"channel":"test_channel","name":"channel_vacated"}]}';
    expect(pusherSignature("tofu", body)).toBe(
      "c17257e92037cd7de407ebc1ed174ceb7b2e518db127f44411b9ffc4f5b28cc5",
    );
  });

  it("signs vector 2", () => {
    const body =
      '{"time_ms":1700000000000,"events":[{"name":"channel_occupied","channel":"private-chat"},{"name":"client_event","channel":"presence-room","event":"client-typing","data":"{\\"typing\\":true}","socket_id":"123.456","user_id":"42"}]}';
    expect(pusherSignature("app-secret", body)).toBe(
      "40b585ad8923bac8a6fc64dc4031ebb72ed7f9409d8da39c895da65f5c9e954b",
    );
  });

  it("verifies against any accepted secret and rejects others", () => {
    const body = '{"time_ms":1,"events":[]}';
    expect(verifyPusherSignature(["old", "new"], body, pusherSignature("new", body))).toBe(true);
    expect(verifyPusherSignature(["old"], body, pusherSignature("new", body))).toBe(false);
    expect(verifyPusherSignature(["old"], body, null)).toBe(false);
    expect(verifyPusherSignature(["old"], body, "short")).toBe(false);
  });
});

describe("Standard Webhooks signature", () => {
  const body = deliveryBody(1700000000000, [{ name: "channel_occupied", channel: "c" }]);
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  it("signs with both secrets during a rotation", () => {
    const other = "whsec_" + Buffer.from("another-secret-of-32-bytes-long!").toString("base64");
    const rotated = standardWebhookHeaders([secret, other], "msg_1", body);
    expect(rotated["webhook-signature"].split(" ")).toHaveLength(2);
    expect(() => new Webhook(other).verify(body, rotated)).not.toThrow();
    expect(() => new Webhook(secret).verify(body, rotated)).not.toThrow();
  });

  it("signs exactly as the official package, for any secret, id, time and body", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 24, maxLength: 64 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 4_102_444_800 }),
        fc.string({ unit: "grapheme", maxLength: 300 }),
        (key, messageId, seconds, body) => {
          const secret = `whsec_${Buffer.from(key).toString("base64")}`;
          expect(standardWebhookSignature(secret, messageId, seconds, body)).toBe(
            new Webhook(secret).sign(messageId, new Date(seconds * 1000), body),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it("refuses an empty key, as the official package does", () => {
    expect(() => standardWebhookSignature("whsec_", "msg_1", 1, "{}")).toThrow(/empty/);
  });
});
