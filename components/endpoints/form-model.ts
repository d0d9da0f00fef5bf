import type { ChannelType, Endpoint, EndpointInput } from "@/lib/client/types";
import { LIMITS } from "@/lib/validation/common";

// What the endpoint form edits, and its conversion to and from the API's endpoint JSON.

type HeaderRow = { name: string; value: string; stored: boolean };

export type EndpointFormValues = {
  kind: "http" | "lambda";
  url: string;
  lambda: {
    functionName: string;
    region: string;
    invocationType: "Event" | "RequestResponse";
    qualifier: string;
    endpointUrl: string;
  };
  description: string;
  eventTypes: string[];
  filter: {
    channelType: ChannelType | "";
    channelPrefix: string;
    channelSuffix: string;
    channelPattern: string;
  };
  headers: HeaderRow[];
  timeoutMs: string;
  retrySchedule: string;
  /** Seconds; only with a retry schedule (the API's retry override carries both). */
  retryMaxAge: string;
  /** Requests per second across all workers; empty = no limit. */
  rateLimitPerSecond: string;
  batchingMode: "inherit" | "custom";
  batching: { enabled: boolean; durationMs: string; maxBatchSize: string };
  standardWebhooksEnabled: boolean;
  enabled: boolean;
};

export const emptyEndpointForm: EndpointFormValues = {
  kind: "http",
  url: "",
  lambda: { functionName: "", region: "", invocationType: "Event", qualifier: "", endpointUrl: "" },
  description: "",
  eventTypes: [],
  filter: { channelType: "", channelPrefix: "", channelSuffix: "", channelPattern: "" },
  headers: [],
  timeoutMs: "",
  retrySchedule: "",
  retryMaxAge: "",
  rateLimitPerSecond: "",
  batchingMode: "inherit",
  batching: { enabled: true, durationMs: "50", maxBatchSize: "100" },
  standardWebhooksEnabled: true,
  enabled: true,
};

export function formFromEndpoint(endpoint: Endpoint): EndpointFormValues {
  return {
    kind: endpoint.lambda ? "lambda" : "http",
    url: endpoint.url ?? "",
    lambda: {
      functionName: endpoint.lambda?.functionName ?? "",
      region: endpoint.lambda?.region ?? "",
      invocationType: endpoint.lambda?.invocationType ?? "Event",
      qualifier: endpoint.lambda?.qualifier ?? "",
      endpointUrl: endpoint.lambda?.endpointUrl ?? "",
    },
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    filter: {
      channelType: endpoint.filter.channelType ?? "",
      channelPrefix: endpoint.filter.channelPrefix ?? "",
      channelSuffix: endpoint.filter.channelSuffix ?? "",
      channelPattern: endpoint.filter.channelPattern ?? "",
    },
    headers: Object.entries(endpoint.headers).map(([name, value]) => ({
      name,
      value,
      stored: true,
    })),
    timeoutMs: endpoint.timeoutMs ? String(endpoint.timeoutMs) : "",
    retrySchedule: endpoint.retry ? endpoint.retry.scheduleSeconds.join(", ") : "",
    retryMaxAge: endpoint.retry?.maxAgeSeconds ? String(endpoint.retry.maxAgeSeconds) : "",
    rateLimitPerSecond: endpoint.rateLimit ? String(endpoint.rateLimit.perSecond) : "",
    batchingMode: endpoint.batching ? "custom" : "inherit",
    batching: endpoint.batching
      ? {
          enabled: endpoint.batching.enabled,
          durationMs: String(endpoint.batching.durationMs),
          maxBatchSize: String(endpoint.batching.maxBatchSize),
        }
      : emptyEndpointForm.batching,
    standardWebhooksEnabled: endpoint.standardWebhooks.enabled,
    enabled: endpoint.enabled,
  };
}

export type FormIssue = {
  field:
    | "url"
    | "lambda.functionName"
    | "eventTypes"
    | "timeoutMs"
    | "retrySchedule"
    | "retryMaxAge"
    | "rateLimitPerSecond"
    | "batching.durationMs"
    | "batching.maxBatchSize";
  message: string;
};

const wholeNumberIn = (text: string, range: { min: number; max: number }) =>
  /^\d+$/.test(text) && Number(text) >= range.min && Number(text) <= range.max;

/** Every problem the form can see without asking the API, in the order the fields appear. */
export function formIssues(values: EndpointFormValues): FormIssue[] {
  const issues: FormIssue[] = [];
  if (values.kind === "http" && !values.url.trim())
    issues.push({ field: "url", message: "Enter the URL Herald should POST to" });
  if (values.kind === "lambda" && !values.lambda.functionName.trim())
    issues.push({
      field: "lambda.functionName",
      message: "Enter the Lambda function's name or ARN",
    });
  if (values.eventTypes.length === 0)
    issues.push({ field: "eventTypes", message: "Select at least one event type" });

  const timeout = values.timeoutMs.trim();
  if (timeout && !wholeNumberIn(timeout, LIMITS.timeoutMs)) {
    issues.push({
      field: "timeoutMs",
      message: `Timeout must be a whole number of milliseconds from ${LIMITS.timeoutMs.min} to ${LIMITS.timeoutMs.max}`,
    });
  }
  const delays = values.retrySchedule.split(/[\s,]+/).filter(Boolean);
  const badDelay = delays.find((delay) => !wholeNumberIn(delay, LIMITS.retryDelaySeconds));
  if (badDelay !== undefined) {
    const { min, max } = LIMITS.retryDelaySeconds;
    issues.push({
      field: "retrySchedule",
      message: `Retry schedule must list delays in whole seconds from ${min} to ${max}, separated by commas ('${badDelay}' is not one)`,
    });
  } else if (delays.length > LIMITS.retryDelays) {
    issues.push({
      field: "retrySchedule",
      message: `Retry schedule can have at most ${LIMITS.retryDelays} delays (it has ${delays.length})`,
    });
  }
  const maxAge = values.retryMaxAge.trim();
  if (maxAge && !wholeNumberIn(maxAge, LIMITS.retryMaxAgeSeconds)) {
    const { min, max } = LIMITS.retryMaxAgeSeconds;
    issues.push({
      field: "retryMaxAge",
      message: `Give up after must be a whole number of seconds from ${min} to ${max} (30 days)`,
    });
  } else if (maxAge && delays.length === 0) {
    issues.push({ field: "retryMaxAge", message: "Set a retry schedule too: the two go together" });
  }

  const rateLimit = values.rateLimitPerSecond.trim();
  if (rateLimit && !wholeNumberIn(rateLimit, LIMITS.rateLimitPerSecond)) {
    const { min, max } = LIMITS.rateLimitPerSecond;
    issues.push({
      field: "rateLimitPerSecond",
      message: `Rate limit must be a whole number of requests per second from ${min} to ${max}`,
    });
  }

  if (values.batchingMode === "custom") {
    if (!wholeNumberIn(values.batching.durationMs.trim(), LIMITS.batchDurationMs)) {
      issues.push({
        field: "batching.durationMs",
        message: `Batch window must be a whole number of milliseconds from ${LIMITS.batchDurationMs.min} to ${LIMITS.batchDurationMs.max}`,
      });
    }
    if (!wholeNumberIn(values.batching.maxBatchSize.trim(), LIMITS.batchSize)) {
      issues.push({
        field: "batching.maxBatchSize",
        message: `Max batch size must be a whole number from ${LIMITS.batchSize.min} to ${LIMITS.batchSize.max}`,
      });
    }
  }
  return issues;
}

const optional = (value: string) => (value.trim() === "" ? undefined : value.trim());
const numberOrText = (value: string) =>
  /^\d+$/.test(value.trim()) ? Number(value.trim()) : value.trim();

/**
 * Form -> API body. Empty optional fields are left out; numbers that are not numbers go as-is so
 * the API names the field.
 */
export function inputFromForm(values: EndpointFormValues, mode: "create" | "edit"): EndpointInput {
  const filter = Object.fromEntries(
    Object.entries(values.filter).filter(([, value]) => value !== ""),
  ) as EndpointInput["filter"];
  const retry = values.retrySchedule.trim()
    ? {
        scheduleSeconds: values.retrySchedule
          .split(/[\s,]+/)
          .filter(Boolean)
          .map(numberOrText) as number[],
        maxAgeSeconds: values.retryMaxAge.trim()
          ? (numberOrText(values.retryMaxAge) as number)
          : null,
      }
    : null;
  const target =
    values.kind === "http"
      ? { url: values.url.trim() }
      : {
          lambda: {
            functionName: values.lambda.functionName.trim(),
            invocationType: values.lambda.invocationType,
            region: optional(values.lambda.region),
            qualifier: optional(values.lambda.qualifier),
            endpointUrl: optional(values.lambda.endpointUrl),
          },
        };
  return {
    ...target,
    description: values.description,
    eventTypes: values.eventTypes,
    filter,
    headers: Object.fromEntries(
      values.headers
        .filter((row) => row.name.trim() !== "")
        .map((row) => [row.name.trim(), row.value]),
    ),
    // Only on create: the switch on the endpoint page owns it after that, and a form opened before
    // Herald disabled the endpoint must not turn it back on.
    ...(mode === "create" ? { enabled: values.enabled } : {}),
    timeoutMs: values.timeoutMs.trim()
      ? (numberOrText(values.timeoutMs) as number)
      : mode === "edit"
        ? null
        : undefined,
    retry: retry ?? (mode === "edit" ? null : undefined),
    rateLimit: values.rateLimitPerSecond.trim()
      ? { perSecond: numberOrText(values.rateLimitPerSecond) as number }
      : mode === "edit"
        ? null
        : undefined,
    batching:
      values.batchingMode === "custom"
        ? {
            enabled: values.batching.enabled,
            durationMs: numberOrText(values.batching.durationMs) as number,
            maxBatchSize: numberOrText(values.batching.maxBatchSize) as number,
          }
        : mode === "edit"
          ? null
          : undefined,
    standardWebhooks: { enabled: values.standardWebhooksEnabled },
  };
}

/** API error field -> form field name. */
export function formFieldFor(apiField: string): string | null {
  if (
    apiField === "url" ||
    apiField === "description" ||
    apiField === "eventTypes" ||
    apiField === "timeoutMs"
  )
    return apiField;
  if (apiField.startsWith("eventTypes.")) return "eventTypes";
  if (apiField.startsWith("lambda.")) return apiField;
  if (apiField === "lambda") return "lambda.functionName";
  if (apiField.startsWith("filter.")) return apiField;
  if (apiField.startsWith("headers")) return "headersError";
  if (apiField === "retry.maxAgeSeconds") return "retryMaxAge";
  if (apiField.startsWith("rateLimit")) return "rateLimitPerSecond";
  if (apiField.startsWith("retry")) return "retrySchedule";
  if (apiField.startsWith("batching.")) return apiField;
  return null;
}
