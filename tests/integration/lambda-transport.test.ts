import { beforeEach, describe, expect, it } from "vitest";
import { closeLambdaClients, invokeLambda } from "@/lib/delivery/lambda";
import {
  RESPONSE_BODY_LIMIT,
  type LambdaConfig,
  type TransportRequest,
} from "@/lib/delivery/types";
import { startLambdaServer, useLambdaServer } from "../helpers/lambda-server";
import { uniqueId } from "../factories";

// invokeLambda against a local server speaking the Lambda Invoke API, via `endpointUrl`.

const server = useLambdaServer(closeLambdaClients);

beforeEach(() => server.current.respondWith({ kind: "ok" }));

const body =
  '{"time_ms":1700000000000,"events":[{"name":"client_event","channel":"presence-room","data":"{\\"é\\":\\"✓\\"}","user_id":"42"}]}';

function request(overrides: Partial<TransportRequest> = {}): TransportRequest {
  return {
    body,
    headers: { "X-Pusher-Signature": "not-sent-to-lambda" },
    timeoutMs: 5000,
    ...overrides,
  };
}

function config(overrides: Partial<LambdaConfig> = {}): LambdaConfig {
  return {
    functionName: uniqueId("fn"),
    region: "eu-west-1",
    invocationType: "Event",
    endpointUrl: server.current.endpointUrl,
    ...overrides,
  };
}

const invocationsOf = (functionName: string) =>
  server.current.invocations.filter((entry) => entry.functionName === functionName);

describe("invokeLambda", () => {
  it("invokes asynchronously (Event) with the exact body bytes and reports 202", async () => {
    const target = config();
    const result = await invokeLambda(target, request());
    expect(result).toMatchObject({ status: 202, error: null, body: "" });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const [invocation] = invocationsOf(target.functionName);
    expect(invocation).toMatchObject({ invocationType: "Event", qualifier: null, payload: body });
    // Our HTTP headers are not part of a Lambda invoke; the SDK signs with SigV4 instead.
    expect(invocation!.headers["x-pusher-signature"]).toBeUndefined();
    expect(String(invocation!.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=test\/\d+\/eu-west-1\/lambda\/aws4_request/,
    );
  });

  it("invokes synchronously (RequestResponse) with a qualifier and returns the function's payload", async () => {
    server.current.respondWith({ kind: "ok", payload: '{"ok":true}' });
    const target = config({ invocationType: "RequestResponse", qualifier: "live" });
    const result = await invokeLambda(target, request());
    expect(result).toMatchObject({ status: 200, error: null, body: '{"ok":true}' });
    expect(result.headers).toMatchObject({ "x-amz-executed-version": "live" });
    expect(invocationsOf(target.functionName)).toEqual([
      expect.objectContaining({
        invocationType: "RequestResponse",
        qualifier: "live",
        payload: body,
      }),
    ]);
  });

  it("reports a function error as an error even though Lambda answered 200", async () => {
    server.current.respondWith({
      kind: "functionError",
      errorType: "Unhandled",
      payload: '{"errorMessage":"boom","errorType":"Error"}',
    });
    const result = await invokeLambda(config({ invocationType: "RequestResponse" }), request());
    expect(result.status).toBe(200);
    expect(result.error).toBe(
      'function error: Unhandled: {"errorMessage":"boom","errorType":"Error"}',
    );
    expect(result.headers).toMatchObject({ "x-amz-function-error": "Unhandled" });
  });

  it("truncates a large function response to the response body limit", async () => {
    server.current.respondWith({
      kind: "ok",
      payload: JSON.stringify("x".repeat(RESPONSE_BODY_LIMIT * 2)),
    });
    const result = await invokeLambda(config({ invocationType: "RequestResponse" }), request());
    expect(result.status).toBe(200);
    expect(Buffer.byteLength(result.body!)).toBe(RESPONSE_BODY_LIMIT);
  });

  it("reports throttling (429) with Retry-After and does not retry inside the SDK", async () => {
    server.current.respondWith({
      kind: "serviceError",
      status: 429,
      errorType: "TooManyRequestsException",
      message: "Rate Exceeded.",
      retryAfterSeconds: 7,
    });
    const target = config();
    const result = await invokeLambda(target, request());
    expect(result).toMatchObject({
      status: 429,
      error: "TooManyRequestsException: Rate Exceeded.",
      retryAfterSeconds: 7,
    });
    expect(invocationsOf(target.functionName)).toHaveLength(1);
  });

  it("reports a Lambda service failure (5xx) and an unknown function (404) with their status", async () => {
    server.current.respondWith({
      kind: "serviceError",
      status: 500,
      errorType: "ServiceException",
      message: "internal",
    });
    const failed = await invokeLambda(config(), request());
    expect(failed).toMatchObject({ status: 500, error: "ServiceException: internal", body: null });

    server.current.respondWith({
      kind: "serviceError",
      status: 404,
      errorType: "ResourceNotFoundException",
      message: "Function not found",
    });
    const missing = await invokeLambda(config(), request());
    expect(missing).toMatchObject({
      status: 404,
      error: "ResourceNotFoundException: Function not found",
    });

    // A proxy or Lambda-compatible server answering with an error the SDK does not model.
    server.current.respondWith({
      kind: "serviceError",
      status: 502,
      errorType: "BadGateway",
      message: "upstream down",
    });
    const proxied = await invokeLambda(config(), request());
    expect(proxied).toMatchObject({ status: 502, error: expect.stringContaining("upstream down") });
  });

  it("gives up after the request timeout with no status", async () => {
    server.current.respondWith({ kind: "hang" });
    const started = Date.now();
    const result = await invokeLambda(config(), request({ timeoutMs: 300 }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.status).toBeNull();
    expect(result.error).toMatch(/^timeout: no response from Lambda within 300 ms/);
  });

  it("reaches a custom endpoint named by an allowed host name (through the guarded lookup)", async () => {
    const target = config({
      endpointUrl: server.current.endpointUrl.replace("127.0.0.1", "localhost"),
    });
    const result = await invokeLambda(target, request());
    expect(result).toMatchObject({ status: 202, error: null });
    expect(invocationsOf(target.functionName)).toHaveLength(1);
  });

  it("reports a connection failure with no status", async () => {
    const closed = await startLambdaServer();
    await closed.close();
    const result = await invokeLambda(config({ endpointUrl: closed.endpointUrl }), request());
    expect(result.status).toBeNull();
    expect(result.error).toMatch(/^network error: .*ECONNREFUSED/);
  });

  it("defaults the invocation type to Event and the region from the SDK chain or us-east-1", async () => {
    const target = {
      functionName: uniqueId("fn"),
      endpointUrl: server.current.endpointUrl,
    } as LambdaConfig;
    const result = await invokeLambda(target, request());
    expect(result.status).toBe(202);
    const [invocation] = invocationsOf(target.functionName);
    expect(invocation!.invocationType).toBe("Event");
    const expectedRegion = process.env.AWS_REGION ?? "us-east-1";
    expect(String(invocation!.headers.authorization)).toContain(`/${expectedRegion}/lambda/`);
  });
});
