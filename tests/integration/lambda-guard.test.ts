import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeLambdaClients, invokeLambda } from "@/lib/delivery/lambda";
import type { LambdaConfig } from "@/lib/delivery/types";
import { startLambdaServer, type LambdaServer } from "../helpers/lambda-server";
import { uniqueId } from "../factories";

// A Lambda endpoint's custom endpointUrl goes through the private-address guard like an HTTP
// endpoint: otherwise a write token could point it at an internal service and read the answer
// back (with the worker's AWS credentials signed into the request). This file runs with an empty
// allow-list; the environment is read lazily, on first use.
process.env.HERALD_ALLOWED_DESTINATIONS = "";

let lambda: LambdaServer;

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = "test";
  process.env.AWS_SECRET_ACCESS_KEY = "test";
  lambda = await startLambdaServer();
});

afterAll(async () => {
  closeLambdaClients();
  await lambda.close();
});

const request = { body: '{"time_ms":1,"events":[]}', headers: {}, timeoutMs: 5000 };
const config = (endpointUrl: string): LambdaConfig => ({ functionName: uniqueId("fn"), region: "eu-west-1", invocationType: "RequestResponse", endpointUrl });

describe("Lambda endpointUrl and the private-address guard", () => {
  it("refuses a loopback IP literal without connecting", async () => {
    const result = await invokeLambda(config(lambda.endpointUrl), request);
    expect(result.status).toBeNull();
    expect(result.error).toMatch(/EDESTINATIONREFUSED: destination 127\.0\.0\.1 resolves to private, loopback or link-local address/);
    expect(lambda.invocations).toHaveLength(0);
  });

  it("refuses a name that resolves to a loopback address", async () => {
    const result = await invokeLambda(config(lambda.endpointUrl.replace("127.0.0.1", "localhost")), request);
    expect(result.status).toBeNull();
    expect(result.error).toMatch(/destination localhost resolves to private, loopback or link-local address/);
    expect(lambda.invocations).toHaveLength(0);
  });
});
