import { describe, expect, it } from "vitest";
import {
  createEndpointSchema,
  headerNameIssue,
  headersSchema,
  httpUrlSchema,
  signingSecretSchema,
  updateEndpointSchema,
} from "@/lib/validation/endpoints";
import { parseImportConfig } from "@/lib/validation/import";

const fields = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[] }> } }) =>
  (result.error?.issues ?? []).map((issue) => issue.path.map(String).join("."));

describe("endpoint URLs", () => {
  it.each(["https://example.com/hook", "http://127.0.0.1:8080/x?y=1", "https://[::1]:9000/"])(
    "accepts %s",
    (url) => {
      expect(httpUrlSchema.safeParse(url).success).toBe(true);
    },
  );

  it.each([
    ["ftp", "ftp://example.com"],
    ["javascript", "javascript:alert(1)"],
    ["file", "file:///etc/passwd"],
    ["no scheme", "example.com/hook"],
    ["not a URL", "::::"],
    ["credentials", "https://user:pass@example.com/"],
    ["too long", `https://example.com/${"a".repeat(2050)}`],
  ])("rejects %s without throwing", (_label, url) => {
    expect(httpUrlSchema.safeParse(url).success).toBe(false);
  });
});

describe("custom headers", () => {
  it.each([
    "Content-Type",
    "content-length",
    "HOST",
    "Connection",
    "Transfer-Encoding",
    "X-Pusher-Key",
    "x-pusher-signature",
    "Webhook-Id",
    "webhook-timestamp",
    "webhook-signature",
    "X-Herald-Delivery-Id",
    "x-herald-anything",
    "X-Pusher-Extra",
    "Webhook-Extra",
    "Keep-Alive",
    "TE",
    "Upgrade",
    "Trailer",
    "Expect",
  ])("reserves %s", (name) => {
    expect(headerNameIssue(name)).toMatch(/reserved/);
  });

  it("accepts ordinary names, including User-Agent (the Sockudo docs set one)", () => {
    expect(headerNameIssue("Authorization")).toBeNull();
    expect(headerNameIssue("X-Custom-Auth")).toBeNull();
    expect(headerNameIssue("User-Agent")).toBeNull();
  });

  it("rejects names that are not RFC 7230 tokens and values with line breaks", () => {
    const result = headersSchema.safeParse({
      "Bad Name": "x",
      "X:Colon": "y",
      "X-Ok": "line\nbreak",
      "X-Nul": "a\0b",
    });
    expect(fields(result).sort()).toEqual(["Bad Name", "X-Nul", "X-Ok", "X:Colon"]);
  });

  it("accepts only values an HTTP header can carry: visible ASCII, Latin-1, spaces and tabs", () => {
    const result = headersSchema.safeParse({
      "X-Cjk": "東京",
      "X-Control": "\u0001",
      "X-Emoji": "ok 👍",
      "X-Latin": "café",
      "X-Tab": "a\tb",
      "X-Plain": "Bearer abc=",
    });
    expect(fields(result).sort()).toEqual(["X-Cjk", "X-Control", "X-Emoji"]);
  });

  it("rejects names repeated in another case and more than 50 headers", () => {
    expect(fields(headersSchema.safeParse({ "X-A": "1", "x-a": "2" }))).toEqual(["x-a"]);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`X-${index}`, "v"]));
    expect(headersSchema.safeParse(many).success).toBe(false);
    expect(
      headersSchema.safeParse(Object.fromEntries(Object.entries(many).slice(0, 50))).success,
    ).toBe(true);
  });
});

describe("create and update schemas", () => {
  const base = { url: "https://example.com/hook", eventTypes: ["channel_occupied"] };

  it("fills defaults", () => {
    expect(createEndpointSchema.parse(base)).toEqual({
      ...base,
      description: "",
      filter: {},
      headers: {},
      enabled: true,
    });
    expect(
      createEndpointSchema.parse({ eventTypes: ["a"], lambda: { functionName: "f" } }).lambda,
    ).toEqual({ functionName: "f", invocationType: "Event" });
  });

  it("needs exactly one of url and lambda", () => {
    expect(fields(createEndpointSchema.safeParse({ eventTypes: ["a"] }))).toEqual(["url"]);
    expect(
      fields(createEndpointSchema.safeParse({ ...base, lambda: { functionName: "f" } })),
    ).toEqual(["lambda"]);
    expect(
      fields(
        updateEndpointSchema.safeParse({ url: "https://a.example", lambda: { functionName: "f" } }),
      ),
    ).toEqual(["lambda"]);
    expect(updateEndpointSchema.safeParse({}).success).toBe(true);
  });

  it("rejects invalid channel patterns, in the browser too (catastrophic ones are the server's check)", () => {
    const invalid = createEndpointSchema.safeParse({ ...base, filter: { channelPattern: "(" } });
    expect(fields(invalid)).toEqual(["filter.channelPattern"]);
    expect(invalid.error?.issues[0]?.message).toBe(
      "is not a valid regular expression: /(/: Unterminated group",
    );
    expect(
      createEndpointSchema.safeParse({ ...base, filter: { channelPattern: "^presence-[0-9]+$" } })
        .success,
    ).toBe(true);
  });

  it("bounds timeout, retry schedule and batching", () => {
    expect(fields(createEndpointSchema.safeParse({ ...base, timeoutMs: 60_001 }))).toEqual([
      "timeoutMs",
    ]);
    expect(
      fields(createEndpointSchema.safeParse({ ...base, retry: { scheduleSeconds: [1.5] } })),
    ).toEqual(["retry.scheduleSeconds.0"]);
    expect(
      fields(createEndpointSchema.safeParse({ ...base, retry: { scheduleSeconds: [-1] } })),
    ).toEqual(["retry.scheduleSeconds.0"]);
    expect(
      createEndpointSchema.safeParse({ ...base, retry: { scheduleSeconds: [] } }).success,
    ).toBe(true);
    expect(
      fields(createEndpointSchema.safeParse({ ...base, batching: { maxBatchSize: 0 } })),
    ).toEqual(["batching.maxBatchSize"]);
    expect(createEndpointSchema.parse({ ...base, batching: { durationMs: 10 } }).batching).toEqual({
      enabled: true,
      durationMs: 10,
      maxBatchSize: 100,
    });
  });

  it("accepts only whsec_ secrets of 24 to 64 bytes", () => {
    expect(
      signingSecretSchema.safeParse(`whsec_${Buffer.alloc(24).toString("base64")}`).success,
    ).toBe(true);
    expect(
      signingSecretSchema.safeParse(`whsec_${Buffer.alloc(16).toString("base64")}`).success,
    ).toBe(false);
    expect(signingSecretSchema.safeParse(Buffer.alloc(24).toString("base64")).success).toBe(false);
  });
});

describe("import config shapes", () => {
  it("tells Sockudo from Soketi and rejects anything else", () => {
    expect(parseImportConfig({ app_manager: { array: { apps: [] } } }).format).toBe("sockudo");
    expect(parseImportConfig({ appManager: { array: { apps: [] } } }).format).toBe("soketi");
    expect(() => parseImportConfig({ apps: [] })).toThrow(/app_manager\.array\.apps/);
    expect(() => parseImportConfig(null)).toThrow(/Sockudo/);
  });

  it("names the path of a bad webhook", () => {
    const config = {
      app_manager: {
        array: {
          apps: [
            {
              id: "a",
              key: "k",
              secret: "s",
              webhooks: [{ url: "x", event_types: "channel_occupied" }],
            },
          ],
        },
      },
    };
    expect(() => parseImportConfig(config)).toThrow(/app_manager.*webhooks/s);
  });
});

describe("client-event filters", () => {
  const base = { url: "https://example.com/hook", eventTypes: ["client_event"] };

  it("accepts names and a prefix", () => {
    expect(
      createEndpointSchema.safeParse({
        ...base,
        filter: { clientEventNames: ["client-typing"], clientEventPrefix: "client-chat-" },
      }).success,
    ).toBe(true);
  });

  it.each([
    [
      { clientEventNames: Array.from({ length: 101 }, (_, i) => `client-${i}`) },
      "filter.clientEventNames",
    ],
    [{ clientEventNames: [""] }, "filter.clientEventNames.0"],
    [{ clientEventNames: ["client-a", "client-a"] }, "filter.clientEventNames.1"],
    [{ clientEventPrefix: "x".repeat(201) }, "filter.clientEventPrefix"],
    [{ clientEventNames: "client-a" }, "filter.clientEventNames"],
  ])("names the field of a bad value: %o", (filter, field) => {
    expect(fields(createEndpointSchema.safeParse({ ...base, filter }))).toEqual([field]);
  });

  it("give the limit in the message", () => {
    const result = createEndpointSchema.safeParse({
      ...base,
      filter: { clientEventNames: Array.from({ length: 101 }, (_, i) => `client-${i}`) },
    });
    expect(result.error?.issues[0]?.message).toBe("must have at most 100 names");
  });
});
