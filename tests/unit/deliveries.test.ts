import { describe, expect, it } from "vitest";
import { pusherSignature } from "@/lib/signing/pusher";
import { deliveryBody, idRangeCondition } from "@/lib/engine/deliveries";

describe("delivery body", () => {
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
});

describe("idRangeCondition", () => {
  it("bounds the column by the lowest and highest id, whatever their order and case", () => {
    const ids = [
      "019AFB00-0000-7000-8000-000000000002",
      "019afa00-0000-7000-8000-000000000001",
      "019afc00-0000-7000-8000-000000000003",
    ];
    expect(idRangeCondition("d.id", ids, 17)).toEqual({
      sql: "AND d.id BETWEEN $17::uuid AND $18::uuid",
      values: ["019afa00-0000-7000-8000-000000000001", "019afc00-0000-7000-8000-000000000003"],
    });
    expect(idRangeCondition("d.id", [ids[0]!], 5).values).toEqual([
      "019afb00-0000-7000-8000-000000000002",
      "019afb00-0000-7000-8000-000000000002",
    ]);
  });
});
