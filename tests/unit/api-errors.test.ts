import { describe, expect, it } from "vitest";
import { toAppError } from "@/lib/api/handler";

// Errors from below the services become API errors with the right status, never a bare 500 when
// the cause is known.
describe("toAppError", () => {
  it("answers a transaction Postgres aborted (deadlock, serialization) with a 409 saying nothing changed", () => {
    for (const error of [new Error("deadlock detected"), Object.assign(new Error("Transaction failed due to a write conflict or a deadlock"), { code: "P2034" })]) {
      const mapped = toAppError(error);
      expect(mapped.status).toBe(409);
      expect(mapped.message).toContain("rolled back");
    }
  });

  it("keeps unknown errors a 500 without their message", () => {
    const mapped = toAppError(new Error("secret internals"));
    expect(mapped.status).toBe(500);
    expect(mapped.message).toBe("Internal error");
  });
});
