import { describe, expect, it } from "vitest";
import { pathOnThisSite } from "@/lib/auth/callback-url";

describe("pathOnThisSite", () => {
  it("keeps a path on this site, with its query and fragment", () => {
    expect(pathOnThisSite("/apps/a1/deliveries?status=failed#top")).toBe("/apps/a1/deliveries?status=failed#top");
    expect(pathOnThisSite(undefined)).toBe("/");
  });

  it("turns anything a browser would read as another site into /", () => {
    for (const url of ["//evil.example/x", "/\\evil.example/x", "/\\/evil.example", "https://evil.example/", "javascript:alert(1)", "evil.example", " //evil.example", "/.//evil.example/x", "/%2e%2e//evil.example", "/./\\evil.example/x", "/apps/..//\\evil.example/x"]) {
      expect(pathOnThisSite(url), url).toBe("/");
    }
  });
});
