import { describe, expect, it } from "vitest";
import { BATCHING_LABELS } from "@/components/apps/batching-fields";
import {
  emptyEndpointForm,
  ENDPOINT_LABELS,
  endpointFieldOf,
  formIssues,
} from "@/components/endpoints/form-model";
import { apiMessages, schemaMessages, subjectOf } from "@/lib/client/field-messages";
import { updateAppSchema } from "@/lib/validation/apps";
import { recoverSchema } from "@/lib/validation/delivery-actions";
import { createEventTypeSchema } from "@/lib/validation/event-types";

// The forms run the API's schemas and show its answers; every message names its field as the form
// labels it.

describe("form messages", () => {
  it("say the form's labels, in the field and in the text: To must be later than From", () => {
    const labels = { since: "From", until: "To", eventTypes: "Event types" };
    const reversed = recoverSchema.safeParse({
      since: "2026-12-05T10:00:00Z",
      until: "2026-12-05T09:00:00Z",
      eventTypes: [""],
    });
    // Both at once: the range is checked even though an event type failed.
    expect(schemaMessages(reversed.error, labels)).toEqual([
      { field: "eventTypes", message: "Event types must not be empty" },
      { field: "until", message: "To must be later than From" },
    ]);
    // A body that is no object at all is refused as such (the range check stays out of it).
    expect(recoverSchema.safeParse(null).error?.issues).toHaveLength(1);
  });

  it("give the API's server-side answers a subject", () => {
    const { messages, unplaced } = apiMessages(
      [
        {
          field: "url",
          issue:
            "points at 10.1.2.3, a private, loopback or link-local address Herald does not deliver to; add it to HERALD_ALLOWED_DESTINATIONS to allow it",
        },
        {
          field: "filter.channelPattern",
          issue:
            "is prone to catastrophic backtracking (exponential time); simplify nested quantifiers",
        },
        { field: "eventTypes.0", issue: "'order.paid' is not in the event type catalog" },
        { field: "headers.X-Pusher-Key", issue: "is reserved" },
        { field: "somethingElse", issue: "is wrong" },
      ],
      ENDPOINT_LABELS,
      endpointFieldOf,
    );
    expect(messages).toEqual([
      {
        field: "url",
        message: expect.stringMatching(/^Endpoint URL points at 10\.1\.2\.3, a private/),
      },
      {
        field: "filter.channelPattern",
        message: expect.stringMatching(/^Channel pattern is prone to catastrophic backtracking/),
      },
      {
        field: "eventTypes",
        message: "Event types: 'order.paid' is not in the event type catalog",
      },
      { field: "headersError", message: "Header X-Pusher-Key is reserved" },
    ]);
    expect(unplaced).toEqual(["somethingElse: is wrong"]);
  });

  it("name the event type dialog's field: Name, not the API's regex alone", () => {
    const parsed = createEventTypeSchema.safeParse({ name: "Order Paid!", schema: [1] });
    expect(schemaMessages(parsed.error, { name: "Name", schema: "JSON Schema" })).toEqual([
      {
        field: "name",
        message:
          "Name must start with a lowercase letter and use only a-z, 0-9, _ . : - (at most 100)",
      },
      { field: "schema", message: "JSON Schema must be a JSON object" },
    ]);
  });

  it("read the same for app and endpoint batching", () => {
    const app = schemaMessages(
      updateAppSchema.safeParse({ batching: { durationMs: 0, maxBatchSize: 5000 } }).error,
      BATCHING_LABELS,
    );
    const endpoint = formIssues(
      {
        ...emptyEndpointForm,
        url: "https://hooks.example.com/x",
        eventTypes: ["member_added"],
        batchingMode: "custom",
        batching: { enabled: true, durationMs: "0", maxBatchSize: "5000" },
      },
      "create",
    );
    expect(app).toEqual([
      {
        field: "batching.durationMs",
        message: "Batch window must be a whole number of ms from 1 to 60000",
      },
      {
        field: "batching.maxBatchSize",
        message: "Max batch size must be a whole number from 1 to 1000",
      },
    ]);
    expect(endpoint).toEqual(app);
  });

  it("take a label's unit off its subject", () => {
    expect(subjectOf("Timeout (ms)")).toBe("Timeout");
    expect(subjectOf("Give up after (seconds)")).toBe("Give up after");
    expect(subjectOf("Channel pattern")).toBe("Channel pattern");
  });
});
