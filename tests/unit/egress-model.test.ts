import { describe, expect, it } from "vitest";
import { egressBody, emptyEgressForm } from "@/components/endpoints/egress-model";

describe("egressBody", () => {
  it("leaves unset fields out on create and clears them on edit", () => {
    expect(egressBody(emptyEgressForm, "create")).toEqual({ proxy: undefined, tls: undefined });
    expect(egressBody(emptyEgressForm, "edit")).toEqual({ proxy: null, tls: null });
  });

  it("sends the masked key for a stored one left alone, and a typed key as typed", () => {
    const values = {
      ...emptyEgressForm,
      proxyMode: "direct" as const,
      clientCertificateEnabled: true,
      clientCertificate: " CERT ",
      keyStored: true,
    };
    expect(egressBody(values, "edit")).toEqual({
      proxy: "direct",
      tls: { clientCertificate: "CERT", clientKey: "********", ca: null },
    });
    expect(egressBody({ ...values, keyStored: false, clientKey: "KEY" }, "edit").tls).toEqual({
      clientCertificate: "CERT",
      clientKey: "KEY",
      ca: null,
    });
  });
});
