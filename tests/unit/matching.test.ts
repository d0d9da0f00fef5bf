import { describe, expect, it } from "vitest";
import { channelMatchesFilter, channelTypesOf, checkChannelPattern, endpointMatchesEvent } from "@/lib/matching";

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
    const filter = { channelType: "presence" as const, channelPrefix: "presence-game-", channelSuffix: "-eu", channelPattern: "^presence-game-[0-9]+-eu$" };
    expect(channelMatchesFilter(filter, "presence-game-42-eu")).toBe(true);
    expect(channelMatchesFilter(filter, "presence-game-42-us")).toBe(false);
    expect(channelMatchesFilter(filter, "private-game-42-eu")).toBe(false);
    expect(channelMatchesFilter({}, "anything")).toBe(true);
  });

  it("matches an endpoint only when enabled, subscribed and filtered in", () => {
    const endpoint = { enabled: true, eventTypes: ["member_added"], filter: { channelType: "presence" as const } };
    expect(endpointMatchesEvent(endpoint, { name: "member_added", channel: "presence-a" })).toBe(true);
    expect(endpointMatchesEvent(endpoint, { name: "member_removed", channel: "presence-a" })).toBe(false);
    expect(endpointMatchesEvent({ ...endpoint, enabled: false }, { name: "member_added", channel: "presence-a" })).toBe(false);
  });
});

describe("channel patterns", () => {
  it("rejects catastrophic backtracking and invalid syntax", () => {
    expect(checkChannelPattern("^(a+)+$")).toMatchObject({ ok: false, issue: expect.stringContaining("catastrophic") });
    expect(checkChannelPattern("(unclosed")).toMatchObject({ ok: false, issue: expect.stringContaining("not a valid") });
    expect(checkChannelPattern("^private-[a-z]+$").ok).toBe(true);
  });
});
