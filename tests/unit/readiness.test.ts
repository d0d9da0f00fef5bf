import { describe, expect, it } from "vitest";
import { backlogProblems } from "@/lib/services/readiness";

const backlog = (deliveriesDue: number, eventsWaiting: number, oldestDueAgeSeconds: number) => ({
  deliveriesDue,
  eventsWaiting,
  oldestDueAgeSeconds,
});

describe("backlogProblems", () => {
  it("is quiet when nothing waits, with or without workers", () => {
    expect(backlogProblems(backlog(0, 0, 0), 0, 300)).toEqual([]);
    expect(backlogProblems(backlog(0, 0, 0), 2, 300)).toEqual([]);
  });

  it("says no worker runs while work is due, counting what waits", () => {
    expect(backlogProblems(backlog(412, 0, 12), 0, 300)).toEqual([
      "No worker is running: 412 deliveries are waiting",
    ]);
    expect(backlogProblems(backlog(1, 3, 12), 0, 300)).toEqual([
      "No worker is running: 1 delivery and 3 events are waiting",
    ]);
    expect(backlogProblems(backlog(0, 1, 12), 0, 300)).toEqual([
      "No worker is running: 1 event is waiting",
    ]);
    expect(backlogProblems(backlog(412, 0, 12), 1, 300)).toEqual([]);
  });

  it("says delivery is stalled once the oldest due work passes the threshold", () => {
    expect(backlogProblems(backlog(5, 0, 300), 1, 300)).toEqual([]);
    expect(backlogProblems(backlog(5, 0, 301.4), 1, 300)).toEqual([
      "Delivery is stalled: the oldest waiting work is 301 s old (alert after 300 s)",
    ]);
    expect(backlogProblems(backlog(5, 0, 301), 0, 300)).toHaveLength(2);
  });
});
