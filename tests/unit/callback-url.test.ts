import { describe, expect, it } from "vitest";
import { loginUrl, pathOnThisSite } from "@/lib/auth/callback-url";

describe("pathOnThisSite", () => {
  it("keeps a path on this site, with its query and fragment", () => {
    expect(pathOnThisSite("/apps/a1/deliveries?status=failed#top")).toBe(
      "/apps/a1/deliveries?status=failed#top",
    );
    expect(pathOnThisSite(undefined)).toBe("/");
    // ?callbackUrl=/a&callbackUrl=/b: an array, not a path (it used to throw: a 500 on /login).
    expect(pathOnThisSite(["/a", "/b"])).toBe("/");
  });

  it("turns anything a browser would read as another site into /", () => {
    for (const url of [
      "//evil.example/x",
      "/\\evil.example/x",
      "/\\/evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "evil.example",
      " //evil.example",
      "/.//evil.example/x",
      "/%2e%2e//evil.example",
      "/./\\evil.example/x",
      "/apps/..//\\evil.example/x",
    ]) {
      expect(pathOnThisSite(url), url).toBe("/");
    }
  });
});

describe("loginUrl", () => {
  it("carries the way back as callbackUrl, or none for / and for anything off this site", () => {
    expect(loginUrl("/apps/a1/endpoints?tab=x")).toBe(
      "/login?callbackUrl=%2Fapps%2Fa1%2Fendpoints%3Ftab%3Dx",
    );
    for (const path of ["/", null, undefined, "//evil.example/x", "https://evil.example/"])
      expect(loginUrl(path), String(path)).toBe("/login");
  });
});
