import { z } from "zod";
import { CHANNEL_TYPES, patternSyntaxIssue } from "../channels";
import { batchingSchema, LIMITS, maxText, secretGraceSeconds, wholeNumber } from "./common";
import { clientTlsSchema, clientTlsViewSchema, endpointProxySchema } from "./endpoint-egress";

// Endpoint schemas: used by the API, the import and the dashboard forms (in the browser too, so
// nothing here may need Node). Checks that need the server (event types in the catalog, a
// pattern's catastrophic backtracking, private addresses) run in lib/services/endpoints.ts.

const MAX_HEADERS = 50;

/**
 * schema.nullable(), but on an unregistered copy of the (strict) object: the OpenAPI generator
 * drops the null from a nullable $ref, and a union with null would blur the zod error paths.
 */
const orNull = <Shape extends z.ZodRawShape>(schema: z.ZodObject<Shape>) =>
  z.object(schema.shape).strict().nullable();

/**
 * Headers a custom header may never set (case-insensitive): the ones Herald sets itself (content,
 * Pusher signatures, Standard Webhooks, its own), and the connection-level ones the HTTP client
 * manages or refuses (undici rejects Expect and invalid values outright, failing every delivery).
 */
const RESERVED_HEADERS = new Set([
  "content-type",
  "content-length",
  "host",
  "connection",
  "transfer-encoding",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "expect",
]);
const RESERVED_HEADER_PREFIXES = ["x-pusher-", "webhook-", "x-herald-"];
// RFC 7230 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
// RFC 7230 field-value characters: tab, visible ASCII, space and obs-text (Latin-1 bytes).
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const MAX_HEADER_VALUE_LENGTH = 8192;

/** Whether Herald sets (or the HTTP client owns) this header, so a custom header cannot. */
export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    RESERVED_HEADERS.has(lower) ||
    RESERVED_HEADER_PREFIXES.some((prefix) => lower.startsWith(prefix))
  );
}

export function headerNameIssue(name: string): string | null {
  if (!HEADER_NAME.test(name))
    return "is not a valid header name (letters, digits and !#$%&'*+.^_`|~-, at most 256)";
  if (isReservedHeader(name))
    return "is reserved: Herald sets it (content, Pusher signatures, Standard Webhooks, X-Herald-*) or the HTTP connection does";
  return null;
}

export const headersSchema = z
  .record(z.string(), z.string())
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > MAX_HEADERS)
      ctx.addIssue({ code: "custom", message: `must have at most ${MAX_HEADERS} headers` });
    const seen = new Set<string>();
    for (const name of names) {
      const nameIssue = headerNameIssue(name);
      if (nameIssue) ctx.addIssue({ code: "custom", path: [name], message: nameIssue });
      if (seen.has(name.toLowerCase()))
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "is given twice (header names are case-insensitive)",
        });
      seen.add(name.toLowerCase());
      const value = headers[name]!;
      if (/[\r\n\0]/.test(value))
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "must not contain CR, LF or NUL characters",
        });
      else if (!HEADER_VALUE.test(value)) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message:
            "must hold only visible ASCII or Latin-1 characters, spaces and tabs (an HTTP header cannot carry others)",
        });
      }
      if (value.length > MAX_HEADER_VALUE_LENGTH)
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `must be at most ${MAX_HEADER_VALUE_LENGTH} characters`,
        });
    }
  })
  .meta({
    id: "EndpointHeaders",
    description: "Header name to value; values are write-only and read back masked",
  });

/** http(s) only, no credentials in the URL (they would leak into logs). */
export const httpUrlSchema = z
  .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
  .max(2048, "must be at most 2048 characters")
  .refine((value) => {
    // Runs even when the format check failed, so it must not throw on a malformed URL.
    const url = URL.canParse(value) ? new URL(value) : null;
    return !url?.username && !url?.password;
  }, "must not contain a user name or password; use a header for credentials");

const lambdaSchema = z
  .object({
    functionName: z
      .string()
      .min(1, "is required")
      .max(170, "must be at most 170 characters")
      .regex(/^[A-Za-z0-9_:.\-/]+$/, "must be a Lambda function name or ARN"),
    region: z
      .string()
      .regex(/^[a-z0-9-]{2,32}$/, "must be an AWS region such as us-east-1")
      .optional(),
    invocationType: z.enum(["Event", "RequestResponse"]).default("Event"),
    qualifier: z
      .string()
      .regex(/^[A-Za-z0-9$_-]{1,128}$/, "must be a version number or alias name")
      .optional(),
    endpointUrl: httpUrlSchema.optional().describe("Lambda-compatible endpoint, e.g. LocalStack"),
  })
  .strict()
  .meta({ id: "LambdaConfig" });

function noRepeats(names: string[], ctx: z.RefinementCtx) {
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index)
      ctx.addIssue({ code: "custom", path: [index], message: `'${name}' is listed twice` });
  });
}

const channelPatternSchema = z.string().superRefine((pattern, ctx) => {
  const issue = patternSyntaxIssue(pattern);
  if (issue) ctx.addIssue({ code: "custom", message: issue });
});

const filterSchema = z
  .object({
    channelType: z.enum(CHANNEL_TYPES).optional(),
    channelPrefix: maxText(200).optional(),
    channelSuffix: maxText(200).optional(),
    channelPattern: channelPatternSchema
      .optional()
      .describe(
        "Regular expression; rejected when invalid or prone to catastrophic backtracking (checked when saved)",
      ),
    clientEventNames: z
      .array(z.string().min(1, "must not be empty").max(200, "must be at most 200 characters"))
      .max(100, "must have at most 100 names")
      .superRefine(noRepeats)
      .optional()
      .describe(
        "client_event only: its `event` must be one of these exact names (e.g. client-typing); other event types are not affected",
      ),
    clientEventPrefix: maxText(200)
      .optional()
      .describe(
        "client_event only: its `event` must start with this (e.g. client-chat-); other event types are not affected",
      ),
  })
  .strict()
  .meta({ id: "ChannelFilter", description: "Every field that is set must match (AND)" });

const retrySchema = z
  .object({
    scheduleSeconds: z
      .array(wholeNumber(LIMITS.retryDelaySeconds, "seconds"))
      .max(LIMITS.retryDelays, `must have at most ${LIMITS.retryDelays} delays`)
      .describe("Delays after each failed attempt; attempts = length + 1"),
    maxAgeSeconds: wholeNumber(LIMITS.retryMaxAgeSeconds, "seconds")
      .nullable()
      .optional()
      .describe(
        "Stop retrying deliveries older than this; null = the global HERALD_MAX_DELIVERY_AGE_SECONDS",
      ),
  })
  .strict()
  .meta({ id: "RetryPolicy" });

/** "whsec_" + base64 of 24-64 random bytes, as the standardwebhooks libraries expect. */
export const signingSecretSchema = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, "must be 'whsec_' followed by base64")
  .refine((secret) => {
    // Bytes that base64 encodes, without Node's Buffer (the dashboard runs this too).
    const base64 = secret.slice("whsec_".length);
    const bytes = Math.floor((base64.length * 3) / 4) - (base64.match(/=*$/)?.[0].length ?? 0);
    return bytes >= 24 && bytes <= 64;
  }, "must encode 24 to 64 bytes");

const eventTypesSchema = z
  .array(z.string().min(1, "must not be empty").max(100, "must be at most 100 characters"))
  .min(1, "must name at least one event type")
  .max(100, "must have at most 100 event types")
  .superRefine(noRepeats);

const timeoutSchema = wholeNumber(LIMITS.timeoutMs, "ms");

const rateLimitSchema = z
  .object({
    perSecond: wholeNumber(LIMITS.rateLimitPerSecond, "requests per second").describe(
      "Requests per second this endpoint receives at most, counted across every worker",
    ),
  })
  .strict()
  .meta({ id: "RateLimit" });

function requireOneTarget(
  input: { url?: string; lambda?: unknown },
  ctx: z.RefinementCtx,
  required: boolean,
) {
  if (input.url !== undefined && input.lambda !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["lambda"],
      message: "give either url or lambda, not both",
    });
  } else if (required && input.url === undefined && input.lambda === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["url"],
      message: "is required (or give lambda for an AWS Lambda endpoint)",
    });
  }
}

const bodyFormatSchema = z
  .enum(["pusher", "slack"])
  .describe(
    'The request body (default "pusher"): "pusher" sends {time_ms, events} (signed, as Pusher does); "slack" sends {"text": ...} for a Slack incoming webhook, one line per event and a link to the delivery in the dashboard (NEXTAUTH_URL). herald.* operational events become readable sentences; any other event becomes a line with its name and channel (plus its client event name and user id when present), without its data. The Pusher and Standard Webhooks signature headers are sent either way.',
  );

const orderingSchema = z
  .enum(["none", "channel"])
  .describe(
    'Delivery order (default "none"): "none" sends deliveries as they come, in parallel; "channel" sends a delivery only after every earlier delivery of this endpoint sharing a channel with it has ended (succeeded, failed for good or cancelled), so a retry holds back its own channels only. Manual redeliver and Recover are outside the order.',
  );

export const createEndpointSchema = z
  .object({
    description: maxText(500).default(""),
    url: httpUrlSchema.optional(),
    lambda: lambdaSchema.optional(),
    eventTypes: eventTypesSchema,
    filter: filterSchema.default({}),
    headers: headersSchema.default({}),
    enabled: z.boolean().default(true),
    timeoutMs: timeoutSchema.nullable().optional(),
    retry: orNull(retrySchema).optional(),
    rateLimit: orNull(rateLimitSchema).optional().describe("null = no limit"),
    batching: orNull(batchingSchema).optional().describe("null = use the app's batching"),
    standardWebhooks: z
      .object({ enabled: z.boolean().default(true), secret: signingSecretSchema.optional() })
      .strict()
      .optional(),
    proxy: endpointProxySchema.optional(),
    tls: clientTlsSchema.nullable().optional(),
    bodyFormat: bodyFormatSchema.optional(),
    ordering: orderingSchema.optional(),
  })
  .strict()
  .superRefine((input, ctx) => requireOneTarget(input, ctx, true))
  .meta({
    id: "CreateEndpoint",
    description: "Exactly one of url (HTTP) or lambda (AWS Lambda)",
    // What requireOneTarget enforces, stated for the OpenAPI document.
    oneOf: [{ required: ["url"] }, { required: ["lambda"] }],
  });

export const updateEndpointSchema = z
  .object({
    description: maxText(500).optional(),
    url: httpUrlSchema.optional(),
    lambda: lambdaSchema.optional(),
    eventTypes: eventTypesSchema.optional(),
    filter: filterSchema.optional(),
    headers: headersSchema
      .optional()
      .describe("Replaces the map; a masked value keeps the stored one"),
    enabled: z.boolean().optional(),
    timeoutMs: timeoutSchema.nullable().optional(),
    retry: orNull(retrySchema).optional(),
    rateLimit: orNull(rateLimitSchema).optional(),
    batching: orNull(batchingSchema).optional(),
    standardWebhooks: z.object({ enabled: z.boolean() }).strict().optional(),
    proxy: endpointProxySchema.optional(),
    tls: clientTlsSchema.nullable().optional().describe("null removes the client certificate"),
    bodyFormat: bodyFormatSchema.optional(),
    ordering: orderingSchema.optional(),
  })
  .strict()
  .superRefine((input, ctx) => requireOneTarget(input, ctx, false))
  .meta({ id: "UpdateEndpoint" });

export const rotateEndpointSecretSchema = z
  .object({
    graceSeconds: secretGraceSeconds(86_400),
  })
  .strict()
  .meta({
    id: "RotateEndpointSecret",
    description: "The previous secret keeps signing alongside the new one for graceSeconds",
  });

export const endpointSchema = z
  .object({
    id: z.uuid(),
    appId: z.string(),
    description: z.string(),
    url: z.string().optional().describe("HTTP endpoints"),
    lambda: lambdaSchema.optional().describe("AWS Lambda endpoints"),
    eventTypes: z.array(z.string()),
    filter: filterSchema,
    headers: z.record(z.string(), z.string()).describe("Values masked"),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    disabledAutomatically: z
      .boolean()
      .describe(
        "True when Herald disabled it (410 Gone, or too many failed deliveries in a row); false when a person or token did",
      ),
    disabledAt: z.string().nullable(),
    timeoutMs: z.number().int().nullable(),
    retry: orNull(retrySchema),
    rateLimit: orNull(rateLimitSchema),
    batching: orNull(batchingSchema),
    standardWebhooks: z.object({
      enabled: z.boolean(),
      secret: z.string().describe("Masked except in the responses to create and rotate-secret"),
    }),
    proxy: z
      .string()
      .nullable()
      .describe("'direct', the proxy's URL (password masked), or null for HERALD_EGRESS_PROXY"),
    tls: clientTlsViewSchema.nullable().describe("TLS client certificate (mTLS); key masked"),
    bodyFormat: bodyFormatSchema,
    ordering: orderingSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Endpoint" });

export type CreateEndpointInput = z.infer<typeof createEndpointSchema>;
export type UpdateEndpointInput = z.infer<typeof updateEndpointSchema>;
export type EndpointView = z.infer<typeof endpointSchema>;
