import { describe, expect, it } from "vitest";
import { createEndpointSchema } from "@/lib/validation/endpoints";
import {
  emptyEndpointForm,
  formIssues,
  inputFromForm,
  type EndpointFormValues,
} from "@/components/endpoints/form-model";
import { LIMITS } from "@/lib/validation/common";

// The endpoint form runs the API's schema on the body it would send, and names each field by its
// label: it must agree with the API on what is valid.

const valid: EndpointFormValues = {
  ...emptyEndpointForm,
  url: "https://hooks.example.com/x",
  eventTypes: ["member_added"],
};
const accepts = async (values: EndpointFormValues) =>
  (await createEndpointSchema.safeParseAsync(inputFromForm(values, "create"))).success;

const boundaries = (range: { min: number; max: number }) => [
  "",
  String(range.min - 1),
  String(range.min),
  String(range.max),
  String(range.max + 1),
  "abc",
  "1.5",
];

describe("endpoint form checks agree with the API", () => {
  it.each(boundaries(LIMITS.timeoutMs))("timeout %j", async (text) => {
    const values = { ...valid, timeoutMs: text };
    expect(formIssues(values, "create").length === 0).toBe(await accepts(values));
  });

  it.each([
    ...boundaries(LIMITS.retryDelaySeconds),
    "1, x, 3",
    "5, 30, 120",
    Array(LIMITS.retryDelays).fill(1).join(","),
    Array(LIMITS.retryDelays + 1)
      .fill(1)
      .join(","),
  ])("retry schedule %j", async (text) => {
    const values = { ...valid, retrySchedule: text };
    expect(formIssues(values, "create").length === 0).toBe(await accepts(values));
  });

  it.each(boundaries(LIMITS.retryMaxAgeSeconds).filter(Boolean))(
    "give up after %j",
    async (text) => {
      const values = { ...valid, retrySchedule: "1", retryMaxAge: text };
      expect(formIssues(values, "create").length === 0).toBe(await accepts(values));
    },
  );

  it.each(boundaries(LIMITS.rateLimitPerSecond))("rate limit %j", async (text) => {
    const values = { ...valid, rateLimitPerSecond: text };
    expect(formIssues(values, "create").length === 0).toBe(await accepts(values));
  });

  it("sends the rate limit as rateLimit.perSecond, and clears it on edit when emptied", () => {
    expect(inputFromForm({ ...valid, rateLimitPerSecond: " 10 " }, "create").rateLimit).toEqual({
      perSecond: 10,
    });
    expect(inputFromForm(valid, "create").rateLimit).toBeUndefined();
    expect(inputFromForm(valid, "edit").rateLimit).toBeNull();
  });

  it("sends the order switch as ordering, and reads it back", async () => {
    const ordered = inputFromForm({ ...valid, orderedPerChannel: true }, "edit");
    expect(ordered.ordering).toBe("channel");
    expect(inputFromForm(valid, "create").ordering).toBe("none");
    expect(await accepts({ ...valid, orderedPerChannel: true })).toBe(true);
  });

  it.each([
    ...boundaries(LIMITS.batchDurationMs).map((durationMs) => ({ durationMs, maxBatchSize: "10" })),
    ...boundaries(LIMITS.batchSize).map((maxBatchSize) => ({ durationMs: "50", maxBatchSize })),
  ])("batching %j", async (batching) => {
    const values: EndpointFormValues = {
      ...valid,
      batchingMode: "custom",
      batching: { enabled: true, ...batching },
    };
    expect(formIssues(values, "create").length === 0).toBe(await accepts(values));
  });

  it("names every wrong field at once, with its range", () => {
    const issues = formIssues(
      {
        ...emptyEndpointForm,
        timeoutMs: "abc",
        retrySchedule: "1, x, 3",
        batchingMode: "custom",
        batching: { enabled: true, durationMs: "50", maxBatchSize: "0" },
      },
      "create",
    );
    expect(issues).toEqual([
      { field: "url", message: "Enter the URL Herald should POST to" },
      { field: "eventTypes", message: "Select at least one event type" },
      {
        field: "timeoutMs",
        message: "Timeout must be a whole number of ms from 100 to 60000",
      },
      {
        field: "retrySchedule",
        message:
          "Retry schedule must list delays in whole seconds from 0 to 86400, separated by commas ('x' is not one)",
      },
      {
        field: "batching.maxBatchSize",
        message: "Max batch size must be a whole number from 1 to 1000",
      },
    ]);
  });

  it("checks the URL and the channel pattern with the rest, as the API would", () => {
    const issues = formIssues(
      {
        ...valid,
        url: "not a url",
        description: "x".repeat(501),
        filter: { ...valid.filter, channelPattern: "^presence-(foo" },
        headers: [{ name: "Content-Type", value: "text/plain", stored: false }],
        timeoutMs: "50",
      },
      "edit",
    );
    expect(issues).toEqual([
      { field: "url", message: "Endpoint URL must be an http:// or https:// URL" },
      { field: "description", message: "Description must be at most 500 characters" },
      {
        field: "filter.channelPattern",
        message:
          "Channel pattern is not a valid regular expression: /^presence-(foo/: Unterminated group",
      },
      {
        field: "headersError",
        message: expect.stringMatching(/^Header Content-Type is reserved: Herald sets it/),
      },
      { field: "timeoutMs", message: "Timeout must be a whole number of ms from 100 to 60000" },
    ]);
  });

  it("names a retry delay by its place in the list", () => {
    expect(formIssues({ ...valid, retrySchedule: "5, 90000" }, "create")).toEqual([
      {
        field: "retrySchedule",
        message: "Retry delay 2 must be a whole number of seconds from 0 to 86400",
      },
    ]);
  });
});
