import http from "node:http";
import https from "node:https";
import type { LambdaClient, LambdaServiceException } from "@aws-sdk/client-lambda";
import type * as LambdaSdkModule from "@aws-sdk/client-lambda";
import { configuredAllowList, guardedLookup, literalDestinationRefusal } from "./destinations";
import {
  RESPONSE_BODY_LIMIT,
  type LambdaConfig,
  type TransportRequest,
  type TransportResult,
} from "./types";

// AWS Lambda transport. The payload is exactly the signed Pusher body ({time_ms, events}); our HTTP
// headers (signatures, delivery id) are not sent: a Lambda endpoint is trusted through IAM, and the
// caller's credentials come from the SDK's standard chain (env, profile, SSO, IMDS...).
//
// Result mapping:
// - - invoke accepted: status = Lambda's StatusCode (202 for Event, 200 for RequestResponse), error
//   null;
// - - the function threw (X-Amz-Function-Error): status stays as Lambda gave it (200) but `error`
//   is
//   "function error: <type>: <payload excerpt>". Callers must treat any non-null `error` as a
//   failed
//   attempt, even with a 2xx status;
// - - Lambda refused the call (throttled 429, 5xx, 404 unknown function...): that HTTP status,
//   error
//   "<ExceptionName>: <message>", and retryAfterSeconds when Lambda sent Retry-After;
// - - no response (network failure, timeout, missing credentials): status null, error text.
//
// The SDK is imported on the first invoke, not with this module: a worker with no Lambda endpoint
// never loads it (its modules are several MiB of a worker's memory).

const FALLBACK_REGION = "us-east-1";
const ERROR_EXCERPT_CHARS = 500;

type LambdaSdk = typeof LambdaSdkModule;

let sdk: LambdaSdk | undefined;
let sdkLoading: Promise<LambdaSdk> | undefined;

/** The SDK, imported once; a failed import is tried again on the next invoke. */
function loadSdk(): Promise<LambdaSdk> {
  if (sdk) return Promise.resolve(sdk);
  sdkLoading ??= import("@aws-sdk/client-lambda").then(
    (loaded) => (sdk = loaded),
    (error: unknown) => {
      sdkLoading = undefined;
      throw error;
    },
  );
  return sdkLoading;
}

const clients = new Map<string, LambdaClient>();
let defaultRegion: Promise<string> | undefined;

/**
 * The region from the SDK's own chain (AWS_REGION, profile), or us-east-1 when none is configured.
 */
function resolveDefaultRegion({ LambdaClient }: LambdaSdk): Promise<string> {
  defaultRegion ??= (async () => {
    const probe = new LambdaClient({});
    try {
      return (await probe.config.region()) || FALLBACK_REGION;
    } catch {
      return FALLBACK_REGION;
    } finally {
      probe.destroy();
    }
  })();
  return defaultRegion;
}

/** One client per (region, endpointUrl): clients hold connection pools and cached credentials. */
async function clientFor(lambda: LambdaSdk, config: LambdaConfig): Promise<LambdaClient> {
  const region = config.region ?? (await resolveDefaultRegion(lambda));
  const key = `${region}|${config.endpointUrl ?? ""}`;
  let client = clients.get(key);
  if (!client) {
    // maxAttempts 1: retries are the delivery engine's durable jobs, never SDK-internal loops.
    // A custom endpointUrl goes through the private-address guard like any HTTP endpoint (an API
    // user could otherwise point it at an internal service and read the answer back).
    const requestHandler = config.endpointUrl ? guardedAgents() : undefined;
    client = new lambda.LambdaClient({
      region,
      endpoint: config.endpointUrl,
      maxAttempts: 1,
      requestHandler,
    });
    clients.set(key, client);
  }
  return client;
}

function guardedAgents() {
  const lookup = guardedLookup(configuredAllowList());
  return {
    httpAgent: new http.Agent({ keepAlive: true, lookup }),
    httpsAgent: new https.Agent({ keepAlive: true, lookup }),
  };
}

export async function invokeLambda(
  config: LambdaConfig,
  request: TransportRequest,
): Promise<TransportResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const signal = AbortSignal.timeout(request.timeoutMs);
  // A custom endpoint named by IP literal never reaches the guarded lookup.
  const refusal = config.endpointUrl
    ? literalDestinationRefusal(new URL(config.endpointUrl).hostname)
    : null;
  if (refusal) return failure(null, `EDESTINATIONREFUSED: ${refusal}`, 0);
  try {
    const lambda = await loadSdk();
    const client = await clientFor(lambda, config);
    const output = await client.send(
      new lambda.InvokeCommand({
        FunctionName: config.functionName,
        Qualifier: config.qualifier,
        InvocationType: config.invocationType ?? "Event",
        Payload: Buffer.from(request.body, "utf8"),
      }),
      { abortSignal: signal },
    );
    const body = truncate(output.Payload ? Buffer.from(output.Payload) : Buffer.alloc(0));
    const headers = compactHeaders({
      "x-amz-request-id": output.$metadata.requestId,
      "x-amz-executed-version": output.ExecutedVersion,
      "x-amz-function-error": output.FunctionError,
    });
    return {
      status: output.StatusCode ?? output.$metadata.httpStatusCode ?? null,
      headers,
      body,
      error: output.FunctionError
        ? `function error: ${output.FunctionError}: ${excerpt(body)}`
        : null,
      durationMs: elapsed(),
    };
  } catch (error) {
    if (signal.aborted) {
      return failure(
        null,
        `timeout: no response from Lambda within ${request.timeoutMs} ms`,
        elapsed(),
      );
    }
    // sdk is set whenever the SDK could throw: a failed import itself is a plain error below.
    if (sdk && error instanceof sdk.LambdaServiceException && error.$metadata?.httpStatusCode) {
      const result = failure(
        error.$metadata.httpStatusCode,
        `${error.name}: ${error.message}`,
        elapsed(),
      );
      result.headers = compactHeaders({ "x-amz-request-id": error.$metadata.requestId });
      result.retryAfterSeconds = retryAfter(error);
      return result;
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const kind =
      error instanceof Error && error.name === "CredentialsProviderError"
        ? "no AWS credentials"
        : "network error";
    return failure(null, `${kind}: ${message}`, elapsed());
  }
}

function failure(status: number | null, error: string, durationMs: number): TransportResult {
  return { status, headers: null, body: null, error, durationMs };
}

function retryAfter(error: LambdaServiceException): number | null {
  const seconds = Number((error as { retryAfterSeconds?: unknown }).retryAfterSeconds);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

function truncate(bytes: Buffer): string {
  return bytes.subarray(0, RESPONSE_BODY_LIMIT).toString("utf8");
}

function excerpt(text: string): string {
  return text.length > ERROR_EXCERPT_CHARS ? `${text.slice(0, ERROR_EXCERPT_CHARS)}...` : text;
}

function compactHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
}

/** Closes every cached client (worker shutdown, tests). */
export function closeLambdaClients(): void {
  for (const client of clients.values()) client.destroy();
  clients.clear();
}
