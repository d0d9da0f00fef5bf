import { describe, expect, it } from "vitest";
import { QueryUpdates } from "@/lib/client/query-updates";

describe("QueryUpdates", () => {
  it("builds a second update on the first while the router has not committed it", () => {
    const updates = new QueryUpdates();
    // A row is clicked, then the channel filter's debounce fires, both before the URL changes.
    const opened = updates.next("status=failed", { delivery: "d1" });
    const filtered = updates.next("status=failed", { channel: "presence-a" });
    expect(opened).toBe("status=failed&delivery=d1");
    expect(filtered).toBe("status=failed&delivery=d1&channel=presence-a");
  });

  it("follows the URL again once the router caught up, or after the user navigated elsewhere", () => {
    const updates = new QueryUpdates();
    updates.next("", { status: "failed" });
    updates.next("", { delivery: "d1" });
    updates.committed("status=failed&delivery=d1"); // the last one landed: nothing pending
    expect(updates.next("status=failed&delivery=d1", { delivery: null })).toBe("status=failed");
    updates.committed("status=succeeded"); // back button: not one of ours
    expect(updates.next("status=succeeded", { channel: "c" })).toBe("status=succeeded&channel=c");
  });

  it("keeps later pending updates when an earlier one commits", () => {
    const updates = new QueryUpdates();
    const first = updates.next("", { status: "failed" });
    updates.next("", { channel: "c" });
    updates.committed(first);
    expect(updates.next(first, { delivery: "d9" })).toBe("status=failed&channel=c&delivery=d9");
  });
});
