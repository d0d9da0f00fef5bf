import { describe, expect, it } from "vitest";
import {
  channelMatchesFilter,
  channelTypesOf,
  endpointMatcher,
  explainMatch,
  sampleChannel,
} from "@/lib/matching";
import { checkPattern } from "@/lib/pattern-check";

describe("channel types", () => {
  it.each([
    ["chat", ["public"]],
    ["private-chat", ["private"]],
    ["presence-room", ["presence"]],
    ["private-encrypted-vault", ["private-encrypted"]],
    ["cache-prices", ["public", "cache"]],
    ["private-cache-prices", ["private", "cache"]],
    ["presence-cache-room", ["presence", "cache"]],
    ["private-encrypted-cache-x", ["private-encrypted", "cache"]],
  ])("%s is %j", (channel, types) => {
    expect([...channelTypesOf(channel)].sort()).toEqual([...types].sort());
  });
});

describe("filters", () => {
  it("ANDs every field that is set", () => {
    const filter = {
      channelType: "presence" as const,
      channelPrefix: "presence-game-",
      channelSuffix: "-eu",
      channelPattern: "^presence-game-[0-9]+-eu$",
    };
    expect(channelMatchesFilter(filter, "presence-game-42-eu")).toBe(true);
    expect(channelMatchesFilter(filter, "presence-game-42-us")).toBe(false);
    expect(channelMatchesFilter(filter, "private-game-42-eu")).toBe(false);
    expect(channelMatchesFilter({}, "anything")).toBe(true);
  });

  it("matches an endpoint by its event types and filter", () => {
    const matches = endpointMatcher({
      id: "e1",
      eventTypes: ["member_added"],
      filter: { channelType: "presence" as const },
    });
    expect(matches({ name: "member_added", channel: "presence-a" })).toBe(true);
    expect(matches({ name: "member_removed", channel: "presence-a" })).toBe(false);
    expect(matches({ name: "member_added", channel: "private-a" })).toBe(false);
    expect(
      endpointMatcher({ id: "e1", eventTypes: ["member_added"], filter: null })({
        name: "member_added",
        channel: "anything",
      }),
    ).toBe(true);
  });
});

describe("channel patterns", () => {
  it("rejects catastrophic backtracking and invalid syntax", async () => {
    expect(await checkPattern("^(a+)+$")).toMatchObject({
      ok: false,
      issue: expect.stringContaining("catastrophic"),
    });
    expect(await checkPattern("(unclosed")).toMatchObject({
      ok: false,
      issue: expect.stringContaining("not a valid"),
    });
    expect((await checkPattern("^private-[a-z]+$")).ok).toBe(true);
  });

  it("judges a pattern under the flags it runs with (JSON Schema patterns run with u)", async () => {
    // \p{L} is a plain "p" without u, a Unicode class with it: only then is the nesting
    // exponential.
    expect((await checkPattern("^(\\p{L}+)+$", "")).ok).toBe(true);
    expect(await checkPattern("^(\\p{L}+)+$", "u")).toMatchObject({
      ok: false,
      issue: expect.stringContaining("catastrophic"),
    });
    expect(await checkPattern("\\p{Nope}", "u")).toMatchObject({
      ok: false,
      issue: expect.stringContaining("not a valid"),
    });
  });

  it("does not refuse a safe pattern for waiting behind slow ones", async () => {
    const slow = Array.from({ length: 3 }, (_, index) =>
      checkPattern(`((a{1,30}){1,30}){1,30}b${index}`),
    );
    const safe = checkPattern(`^queued-behind-slow-${Date.now()}$`);
    expect((await safe).ok).toBe(true);
    expect((await Promise.all(slow)).map((result) => result.ok)).toEqual([false, false, false]);
  }, 30_000);

  it("checks outside the event loop: a pattern that takes the checker seconds stalls nothing else", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    const started = Date.now();
    const result = await checkPattern("((a{1,30}){1,30}){1,30}b");
    const elapsed = Date.now() - started;
    clearInterval(timer);
    expect(result).toMatchObject({ ok: false });
    expect(elapsed).toBeGreaterThan(300); // the checker really was busy...
    expect(ticks).toBeGreaterThan(3); // ...and timers kept firing meanwhile (a synchronous check allows none)
    // The overrun was cancelled, not left holding the checker: the next pattern is checked as
    // usual.
    expect((await checkPattern(`^after-overrun-${Date.now()}$`)).ok).toBe(true);
  }, 15_000);
});

describe("the Test button's sample channel", () => {
  it("picks a channel the endpoint's filter lets through, presence for member events", () => {
    expect(sampleChannel("channel_occupied", {})).toBe("herald-test");
    expect(sampleChannel("member_added", {})).toBe("presence-herald-test");
    expect(sampleChannel("channel_occupied", { channelType: "private" })).toBe(
      "private-herald-test",
    );
    expect(sampleChannel("client_event", { channelType: "private-encrypted" })).toBe(
      "private-encrypted-herald-test",
    );
    expect(sampleChannel("cache_miss", { channelType: "cache" })).toBe("cache-herald-test");
    expect(
      sampleChannel("member_added", { channelPrefix: "presence-game-", channelSuffix: "-eu" }),
    ).toBe("presence-game-herald-test-eu");
    expect(
      sampleChannel("channel_occupied", {
        channelType: "presence",
        channelPrefix: "presence-room-",
      }),
    ).toBe("presence-room-herald-test");
    expect(sampleChannel("channel_occupied", { channelPattern: "^private-.*$" })).toBe(
      "private-herald-test",
    );
    // No guess matches: the plain name, sent anyway (the operator asked for a test).
    expect(sampleChannel("channel_occupied", { channelPattern: "^room-[0-9]+$" })).toBe(
      "herald-test",
    );
  });
});

describe("Herald's notices about an endpoint", () => {
  it("never match that endpoint, whatever it subscribes to", () => {
    const matches = endpointMatcher({
      id: "e1",
      eventTypes: ["herald.delivery.failed"],
      filter: null,
    });
    expect(matches({ name: "herald.delivery.failed", channel: "herald-endpoint-e1" })).toBe(false);
    expect(matches({ name: "herald.delivery.failed", channel: "herald-endpoint-e2" })).toBe(true);
  });
});

describe("client-event filters", () => {
  const endpoint = (filter: Record<string, unknown>) => ({
    id: "e1",
    eventTypes: ["client_event", "member_added"],
    filter,
  });
  const client = (event: unknown, channel = "private-room") => ({
    name: "client_event",
    channel,
    payload: { name: "client_event", channel, event },
  });

  it("let through only client events named exactly in clientEventNames", () => {
    const matches = endpointMatcher(endpoint({ clientEventNames: ["client-typing"] }));
    expect(matches(client("client-typing"))).toBe(true);
    expect(matches(client("client-typing-stopped"))).toBe(false);
    expect(matches(client(undefined))).toBe(false);
  });

  it("let through only client events whose name starts with clientEventPrefix", () => {
    const matches = endpointMatcher(endpoint({ clientEventPrefix: "client-chat-" }));
    expect(matches(client("client-chat-message"))).toBe(true);
    expect(matches(client("client-moved"))).toBe(false);
  });

  it("never apply to other event types", () => {
    const matches = endpointMatcher(
      endpoint({ clientEventNames: ["client-typing"], clientEventPrefix: "client-" }),
    );
    expect(matches({ name: "member_added", channel: "presence-room", payload: {} })).toBe(true);
  });

  it("AND with each other and with the channel fields", () => {
    const matches = endpointMatcher(
      endpoint({
        channelPrefix: "private-",
        clientEventNames: ["client-chat-a", "client-b"],
        clientEventPrefix: "client-chat-",
      }),
    );
    expect(matches(client("client-chat-a"))).toBe(true);
    expect(matches(client("client-b"))).toBe(false);
    expect(matches(client("client-chat-a", "presence-room"))).toBe(false);
  });
});

describe("match explanations", () => {
  const endpoint = {
    id: "e1",
    eventTypes: ["client_event", "member_added"],
    filter: { channelPrefix: "private-", clientEventNames: ["client-typing"] },
  };

  it.each([
    [
      { name: "channel_occupied", channel: "private-a" },
      "not_subscribed",
      "event type channel_occupied is not in the endpoint's eventTypes",
    ],
    [
      { name: "member_added", channel: "presence-a" },
      "filtered_out",
      "channel presence-a does not match prefix private-",
    ],
    [
      { name: "client_event", channel: "private-a", payload: { event: "client-moved" } },
      "filtered_out",
      "client event client-moved is not in clientEventNames",
    ],
  ])("name the rule that failed: %o", (event, outcome, reason) => {
    expect(explainMatch(endpoint, event)).toEqual({ matches: false, outcome, reason });
  });

  it("say which rules passed", () => {
    expect(
      explainMatch(endpoint, {
        name: "client_event",
        channel: "private-a",
        payload: { event: "client-typing" },
      }),
    ).toEqual({
      matches: true,
      reason:
        "channel private-a matches prefix private-; client event client-typing is in clientEventNames",
    });
  });

  it("agree with the matcher on every combination", () => {
    const filters = [
      {},
      { channelType: "presence" as const },
      { channelSuffix: "-eu", clientEventPrefix: "client-x" },
      { channelPattern: "^private-\\d+$", clientEventNames: ["client-x1"] },
    ];
    const events = [
      { name: "client_event", channel: "private-1", payload: { event: "client-x1" } },
      { name: "client_event", channel: "presence-a-eu", payload: { event: "client-y" } },
      { name: "member_added", channel: "presence-a-eu" },
      { name: "channel_vacated", channel: "private-1" },
    ];
    for (const filter of filters) {
      const candidate = { id: "e2", eventTypes: ["client_event", "member_added"], filter };
      for (const event of events)
        expect(explainMatch(candidate, event).matches).toBe(endpointMatcher(candidate)(event));
    }
  });
});
