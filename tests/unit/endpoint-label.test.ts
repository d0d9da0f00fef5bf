import { describe, expect, it } from "vitest";
import { endpointLabel } from "@/components/endpoints/endpoint-status";
import type { Endpoint } from "@/lib/client/types";

const endpoint = (description: string, url: string) =>
  ({ description, url, lambda: null }) as unknown as Endpoint;

describe("endpointLabel", () => {
  it("puts the description first and keeps both whole when they fit", () => {
    expect(endpointLabel(endpoint("Audit sink (fail)", "http://127.0.0.1:9/fail"), 54)).toBe(
      "Audit sink (fail) · 127.0.0.1:9/fail",
    );
  });

  it("cuts only the target, in the middle, when the description fits", () => {
    const label = endpointLabel(
      endpoint(
        "Audit sink",
        "https://hooks.example.com/webhooks/production/chat-backend/receiver-a",
      ),
      54,
    );
    expect(label).toHaveLength(54);
    expect(label.startsWith("Audit sink · hooks.example.com")).toBe(true);
    expect(label.endsWith("receiver-a")).toBe(true);
    expect(label.match(/…/g)).toHaveLength(1);
  });

  it("shows the target alone without a description", () => {
    expect(endpointLabel(endpoint("", "https://hooks.example.com/a"), 54)).toBe(
      "hooks.example.com/a",
    );
  });
});
