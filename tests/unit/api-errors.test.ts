import { describe, expect, it } from "vitest";
import { toAppError } from "@/lib/api/handler";

// Errors from below the services become API errors with the right status, never a bare 500 when
// the cause is known.
describe("toAppError", () => {
  it("answers a transaction Postgres aborted (deadlock, serialization) with a 409 saying nothing changed", () => {
    for (const error of [
      new Error("deadlock detected"),
      Object.assign(new Error("Transaction failed due to a write conflict or a deadlock"), {
        code: "P2034",
      }),
    ]) {
      const mapped = toAppError(error);
      expect(mapped.status).toBe(409);
      expect(mapped.message).toContain("rolled back");
    }
  });

  it("answers a dependency that cannot be reached with a 503 saying nothing was stored", () => {
    for (const error of [
      new Error("connect ECONNREFUSED 127.0.0.1:5432"),
      new Error("Connection terminated due to connection timeout"),
    ]) {
      const mapped = toAppError(error);
      expect(mapped.status).toBe(503);
      expect(mapped.message).toContain("nothing was stored");
    }
  });

  it("does not claim nothing was stored when the connection broke mid-request (the COMMIT may have landed)", () => {
    for (const error of [
      new Error("Connection terminated unexpectedly"),
      Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
    ]) {
      const mapped = toAppError(error);
      expect(mapped.status).toBe(503);
      expect(mapped.message).toContain("may or may not have been stored");
      expect(mapped.message).not.toContain("nothing was stored");
    }
  });

  it("keeps unknown errors a 500 without their message", () => {
    const mapped = toAppError(new Error("secret internals"));
    expect(mapped.status).toBe(500);
    expect(mapped.message).toBe("Internal error");
  });
});
