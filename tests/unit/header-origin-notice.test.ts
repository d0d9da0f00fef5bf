import { describe, expect, it } from "vitest";
import { emptyEndpointForm, headersLeftForOldOrigin } from "@/components/endpoints/form-model";

// The endpoint form warns when stored (masked) header values would have to follow the URL to
// another origin, which the API refuses.

const saved = {
  ...emptyEndpointForm,
  url: "https://hooks.example.com/pusher",
  headers: [
    { name: "Authorization", value: "********", stored: true },
    { name: "X-Team", value: "********", stored: true },
  ],
};

describe("headersLeftForOldOrigin", () => {
  it("names the stored headers still masked once the origin changes", () => {
    expect(
      headersLeftForOldOrigin({ ...saved, url: "https://other.example.net/x" }, saved),
    ).toEqual(["Authorization", "X-Team"]);
    expect(
      headersLeftForOldOrigin({ ...saved, url: "http://hooks.example.com/pusher" }, saved),
    ).toEqual(["Authorization", "X-Team"]);
    expect(
      headersLeftForOldOrigin({ ...saved, url: "https://hooks.example.com:8443/pusher" }, saved),
    ).toHaveLength(2);
  });

  it("says nothing for the same origin, values typed again, removed rows or a Lambda", () => {
    expect(
      headersLeftForOldOrigin({ ...saved, url: "https://HOOKS.example.com:443/b" }, saved),
    ).toEqual([]);
    const retyped = {
      ...saved,
      url: "https://other.example.net/x",
      headers: [{ name: "Authorization", value: "Bearer new", stored: true }],
    };
    expect(headersLeftForOldOrigin(retyped, saved)).toEqual([]);
    expect(headersLeftForOldOrigin({ ...saved, kind: "lambda" }, saved)).toEqual([]);
  });
});
