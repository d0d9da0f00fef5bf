import Pusher from "pusher";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { buildRequestHeaders, maskRequestHeaders } from "@/lib/delivery/headers";
import { deliveryBody } from "@/lib/engine/deliveries";

describe("outgoing headers", () => {
  const body = deliveryBody(1700000000000, [{ name: "channel_occupied", channel: "c" }]);
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const headers = buildRequestHeaders({
    body,
    appKey: "app-key",
    appSecret: "app-secret",
    deliveryId: "0190a0b0-0000-7000-8000-000000000001",
    attemptNumber: 2,
    customHeaders: {
      "X-Tenant": "acme",
      "content-type": "text/plain",
      "X-Pusher-Key": "evil",
      "Webhook-Id": "evil",
      Authorization: "Bearer s3cret",
    },
    standardWebhookSecrets: [secret],
  });

  it("is accepted by the official pusher package and by standardwebhooks", () => {
    // Receivers see header names lowercased (Node's req.headers), which is what the SDK reads.
    const received = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
    );
    const pusher = new Pusher({ appId: "1", key: "app-key", secret: "app-secret", cluster: "mt1" });
    expect(pusher.webhook({ headers: received, rawBody: body }).isValid()).toBe(true);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("never lets custom headers override reserved ones", () => {
    expect(headers["Content-Type"]).toBe("application/json");
    expect(headers["X-Pusher-Key"]).toBe("app-key");
    expect(headers["webhook-id"]).toBe("0190a0b0-0000-7000-8000-000000000001");
    expect(
      Object.keys(headers).filter((name) => name.toLowerCase() === "content-type"),
    ).toHaveLength(1);
    expect(Object.keys(headers).filter((name) => name.toLowerCase() === "webhook-id")).toHaveLength(
      1,
    );
    expect(headers["X-Tenant"]).toBe("acme");
    expect(headers["X-Herald-Attempt"]).toBe("2");
  });

  it("masks signatures and custom header values for the attempt log", () => {
    const masked = maskRequestHeaders(headers, {
      "X-Tenant": "acme",
      Authorization: "Bearer s3cret",
    });
    expect(masked["X-Pusher-Signature"]).toBe("********");
    expect(masked["webhook-signature"]).toBe("********");
    expect(masked.Authorization).toBe("********");
    expect(masked["X-Tenant"]).toBe("********");
    expect(masked["X-Pusher-Key"]).toBe("app-key");
    expect(JSON.stringify(masked)).not.toContain("s3cret");
  });
});
