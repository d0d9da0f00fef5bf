import { describe, expect, it } from "vitest";
import { EndpointLimits, refusedJobDelayMs } from "@/worker/limiter";

describe("endpoint limits", () => {
  it("admits at most the per-endpoint number of jobs, per endpoint", () => {
    const limits = new EndpointLimits(2);
    expect([limits.admit("a"), limits.admit("a"), limits.admit("a"), limits.admit("b")]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    limits.finish("a");
    expect(limits.admit("a")).toBe(true);
  });

  it("makes a refused job wait longer each time it is refused, up to a cap, with jitter", () => {
    const lowest = [1, 2, 3, 4, 5, 6, 10].map((times) => refusedJobDelayMs(times, 0));
    expect(lowest).toEqual([100, 200, 400, 800, 1500, 1500, 1500]);
    expect(refusedJobDelayMs(1, 0.999)).toBe(200);
    expect(refusedJobDelayMs(10, 0.999)).toBe(2999);
  });
});
