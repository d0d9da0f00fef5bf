import { describe, expect, it } from "vitest";
import { decryptSecret, decryptStored, encryptSecret } from "@/lib/crypto";
import { maskSecret } from "@/lib/mask";

describe("secret encryption", () => {
  it("round-trips and never stores the plaintext", () => {
    const stored = encryptSecret("my-app-secret");
    expect(stored).not.toContain("my-app-secret");
    expect(decryptSecret(stored)).toBe("my-app-secret");
    expect(encryptSecret("my-app-secret")).not.toBe(stored);
  });

  it("detects tampering", () => {
    const [version, iv, tag, ciphertext] = encryptSecret("value").split(".");
    const flipped = Buffer.from(ciphertext!, "base64url");
    flipped[0]! ^= 1;
    expect(() =>
      decryptSecret([version, iv, tag, flipped.toString("base64url")].join(".")),
    ).toThrow();
  });

  it("masks short secrets entirely and long ones but the last four characters", () => {
    expect(maskSecret("tofu")).toBe("********");
    expect(maskSecret("0123456789abcdef-last")).toBe("********last");
  });

  it("explains a secret another key encrypted as a 409 when it is to be shown", () => {
    expect(decryptStored(encryptSecret("shown"), "app 'a'")).toBe("shown");
    const otherKey = Buffer.alloc(32, 9).toString("base64");
    expect(() => decryptStored(encryptSecret("shown", otherKey), "app 'a'")).toThrow(
      expect.objectContaining({
        status: 409,
        message: expect.stringContaining("another HERALD_ENCRYPTION_KEY"),
      }),
    );
  });
});
