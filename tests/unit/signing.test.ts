import Pusher from "pusher";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { pusherSignature, verifyPusherSignature } from "@/lib/signing/pusher";
import { standardWebhookHeaders } from "@/lib/signing/standard-webhooks";
import { buildRequestHeaders, maskRequestHeaders } from "@/lib/delivery/headers";
import { deliveryBody } from "@/lib/engine/deliveries";
import { judge, retryDelaySeconds } from "@/lib/engine/retry-policy";
import { destinationRefusal } from "@/lib/delivery/destinations";
import { parseAllowList } from "@/lib/delivery/allow-list";
import { retryAfterSeconds } from "@/lib/delivery/http";

describe("Pusher signature (SPEC section 3 test vectors)", () => {
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

  it("builds vector 2's exact body bytes from events in any key order", () => {
    const body = deliveryBody(1700000000000, [
      { channel: "private-chat", name: "channel_occupied" },
      {
        user_id: "42",
        socket_id: "123.456",
        data: '{"typing":true}',
        event: "client-typing",
        channel: "presence-room",
        name: "client_event",
      },
    ]);
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

  it("signs with both secrets during a rotation", () => {
    const other = "whsec_" + Buffer.from("another-secret-of-32-bytes-long!").toString("base64");
    const rotated = standardWebhookHeaders([secret, other], "msg_1", body);
    expect(rotated["webhook-signature"].split(" ")).toHaveLength(2);
    expect(() => new Webhook(other).verify(body, rotated)).not.toThrow();
    expect(() => new Webhook(secret).verify(body, rotated)).not.toThrow();
  });
});

describe("retry policy", () => {
  const result = (status: number | null, error: string | null = null) => ({
    status,
    headers: null,
    body: null,
    error,
    durationMs: 1,
  });

  it("classifies statuses", () => {
    expect(judge(result(204)).outcome).toBe("success");
    for (const status of [500, 503, 408, 409, 425, 429])
      expect(judge(result(status)).outcome).toBe("retry");
    expect(judge(result(null, "ECONNREFUSED")).outcome).toBe("retry");
    expect(judge(result(400))).toMatchObject({ outcome: "final", gone: false });
    expect(judge(result(410))).toMatchObject({ outcome: "final", gone: true });
    expect(judge(result(302)).outcome).toBe("final");
    expect(judge(result(200, "function error: Unhandled")).outcome).toBe("retry");
  });

  it("follows the schedule with +-20% jitter, honours Retry-After up to 1 h, and stops", () => {
    expect(retryDelaySeconds([10, 60], 1, null, () => 0)).toBe(8);
    expect(retryDelaySeconds([10, 60], 1, null, () => 1)).toBeCloseTo(12);
    expect(retryDelaySeconds([10, 60], 2, null, () => 0.5)).toBe(60);
    expect(retryDelaySeconds([10, 60], 3, null)).toBeNull();
    expect(retryDelaySeconds([1], 1, 30, () => 0.5)).toBe(30);
    expect(retryDelaySeconds([1], 1, 99_999, () => 0.5)).toBe(3600);
    expect(retryAfterSeconds("120")).toBe(120);
    expect(retryAfterSeconds(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThanOrEqual(
      59,
    );
    expect(retryAfterSeconds("soon")).toBeNull();
  });
});

describe("private destination guard", () => {
  const none = parseAllowList([]);
  it("refuses private, loopback, link-local, CGNAT and metadata addresses", () => {
    for (const address of [
      "10.0.0.1",
      "127.0.0.1",
      "169.254.169.254",
      "172.16.5.4",
      "192.168.1.1",
      "100.64.0.1",
      "::1",
      "fe80::1",
      "fd00:ec2::254",
      "::ffff:10.0.0.1",
      "0.0.0.0",
      "::ffff:7f00:1",
      "::7f00:1",
      "::ffff:0:7f00:1",
      "::ffff:0:a00:1",
    ]) {
      expect(destinationRefusal("host", address, none), address).toMatch(/private/);
    }
    expect(destinationRefusal("example.com", "93.184.216.34", none)).toBeNull();
    expect(destinationRefusal("example.com", "2606:2800:220:1::1", none)).toBeNull();
  });

  it("allows hosts and CIDRs on the allow-list", () => {
    const allow = parseAllowList(["localhost", "10.1.0.0/16", "127.0.0.1"]);
    expect(destinationRefusal("localhost", "::1", allow)).toBeNull();
    expect(destinationRefusal("x", "10.1.2.3", allow)).toBeNull();
    expect(destinationRefusal("x", "127.0.0.1", allow)).toBeNull();
    expect(destinationRefusal("x", "10.2.0.1", allow)).toMatch(/private/);
  });
});
