import { describe, expect, it } from "vitest";
import { closeLambdaClients, invokeLambda } from "@/lib/delivery/lambda";
import type { LambdaConfig } from "@/lib/delivery/types";
import { useLambdaServer } from "../helpers/lambda-server";
import { uniqueId } from "../factories";

// A Lambda endpoint's custom endpointUrl goes through the private-address guard like an HTTP
// endpoint: otherwise a write token could point it at an internal service and read the answer
// back (with the worker's AWS credentials signed into the request). This file runs with an empty
// allow-list; the environment is read lazily, on first use.
process.env.HERALD_ALLOWED_DESTINATIONS = "";

const server = useLambdaServer(closeLambdaClients);

const request = { body: '{"time_ms":1,"events":[]}', headers: {}, timeoutMs: 5000 };
const config = (endpointUrl: string): LambdaConfig => ({
  functionName: uniqueId("fn"),
  region: "eu-west-1",
  invocationType: "RequestResponse",
  endpointUrl,
});

describe("Lambda endpointUrl and the private-address guard", () => {
  it("refuses a loopback IP literal without connecting", async () => {
    const result = await invokeLambda(config(server.current.endpointUrl), request);
    expect(result.status).toBeNull();
    expect(result.error).toMatch(
      /EDESTINATIONREFUSED: destination 127\.0\.0\.1 resolves to private, loopback or link-local address/,
    );
    expect(server.current.invocations).toHaveLength(0);
  });

  it("refuses a name that resolves to a loopback address", async () => {
    const result = await invokeLambda(
      config(server.current.endpointUrl.replace("127.0.0.1", "localhost")),
      request,
    );
    expect(result.status).toBeNull();
    expect(result.error).toMatch(
      /destination localhost resolves to private, loopback or link-local address/,
    );
    expect(server.current.invocations).toHaveLength(0);
  });
});
