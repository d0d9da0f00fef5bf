import type {
  ChannelFilter,
  ChannelType,
  Endpoint,
  EndpointInput,
  EndpointUpdate,
} from "@/lib/client/types";
import {
  fieldMessage,
  firstPerField,
  numberOrText,
  schemaMessages,
  type FieldMessage,
  type FieldOf,
} from "@/lib/client/field-messages";
import { isMasked } from "@/lib/mask";
import { LIMITS } from "@/lib/validation/common";
import { BATCHING_LABELS } from "@/components/apps/batching-fields";
import { createEndpointSchema, updateEndpointSchema } from "@/lib/validation/endpoints";
import {
  EGRESS_LABELS,
  egressBody,
  egressFieldOf,
  egressFromEndpoint,
  emptyEgressForm,
  type EgressFormValues,
} from "./egress-model";

// What the endpoint form edits, and its conversion to and from the API's endpoint JSON.

/** What the form sends: a valid body for a create and for an update alike. */
export type EndpointBody = EndpointInput & EndpointUpdate;

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
    /** Client event names, one per line or comma separated. */
    clientEventNames: string;
    clientEventPrefix: string;
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
  bodyFormat: "pusher" | "slack";
  /** ordering "channel": one delivery at a time per channel, in arrival order. */
  orderedPerChannel: boolean;
  enabled: boolean;
  egress: EgressFormValues;
};

export const emptyEndpointForm: EndpointFormValues = {
  kind: "http",
  url: "",
  lambda: { functionName: "", region: "", invocationType: "Event", qualifier: "", endpointUrl: "" },
  description: "",
  eventTypes: [],
  filter: {
    channelType: "",
    channelPrefix: "",
    channelSuffix: "",
    channelPattern: "",
    clientEventNames: "",
    clientEventPrefix: "",
  },
  headers: [],
  timeoutMs: "",
  retrySchedule: "",
  retryMaxAge: "",
  rateLimitPerSecond: "",
  batchingMode: "inherit",
  batching: { enabled: true, durationMs: "50", maxBatchSize: "100" },
  standardWebhooksEnabled: true,
  bodyFormat: "pusher",
  orderedPerChannel: false,
  enabled: true,
  egress: emptyEgressForm,
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
      clientEventNames: (endpoint.filter.clientEventNames ?? []).join("\n"),
      clientEventPrefix: endpoint.filter.clientEventPrefix ?? "",
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
    bodyFormat: endpoint.bodyFormat ?? "pusher",
    orderedPerChannel: endpoint.ordering === "channel",
    enabled: endpoint.enabled,
    egress: egressFromEndpoint(endpoint),
  };
}

/**
 * Every field's label as the form shows it: the form renders these, and its messages name fields
 * by them ("Channel pattern is not a valid regular expression").
 */
export const ENDPOINT_LABELS = {
  url: "Endpoint URL",
  "lambda.functionName": "Function name or ARN",
  "lambda.region": "Region",
  "lambda.qualifier": "Qualifier",
  "lambda.endpointUrl": "Endpoint URL override",
  description: "Description",
  eventTypes: "Event types",
  "filter.channelType": "Channel type",
  "filter.channelPattern": "Channel pattern",
  "filter.channelPrefix": "Channel prefix",
  "filter.channelSuffix": "Channel suffix",
  "filter.clientEventNames": "Client event names",
  "filter.clientEventPrefix": "Client event prefix",
  headersError: "Custom headers",
  timeoutMs: "Timeout (ms)",
  retrySchedule: "Retry schedule (seconds)",
  retryMaxAge: "Give up after (seconds)",
  rateLimitPerSecond: "Rate limit (requests per second)",
  ...BATCHING_LABELS,
  ...EGRESS_LABELS,
} as const;

type FormField = keyof typeof ENDPOINT_LABELS;
const FORM_ORDER = Object.keys(ENDPOINT_LABELS) as FormField[];

/**
 * Where the form shows an API field: its own field, or the list it belongs to (a header's problem
 * shows under the header list, named by the header).
 */
export const endpointFieldOf: FieldOf = (apiField) => {
  const egress = egressFieldOf(apiField);
  if (egress) return egress;
  if (apiField.startsWith("headers."))
    return { field: "headersError", subject: `Header ${apiField.slice("headers.".length)}` };
  if (apiField === "headers") return "headersError";
  if (apiField === "lambda") return "lambda.functionName";
  if (apiField === "retry.maxAgeSeconds") return "retryMaxAge";
  const delay = /^retry\.scheduleSeconds\.(\d+)$/.exec(apiField);
  if (delay) return { field: "retrySchedule", subject: `Retry delay ${Number(delay[1]) + 1}` };
  if (apiField.startsWith("retry")) return "retrySchedule";
  if (apiField.startsWith("eventTypes")) return "eventTypes";
  const clientName = /^filter\.clientEventNames\.(\d+)$/.exec(apiField);
  if (clientName)
    return { field: "filter.clientEventNames", subject: `Name ${Number(clientName[1]) + 1}` };
  if (apiField.startsWith("rateLimit")) return "rateLimitPerSecond";
  return apiField in ENDPOINT_LABELS ? apiField : null;
};

const label = (field: FormField, issue: string) => fieldMessage(field, issue, ENDPOINT_LABELS);

/** What the API body cannot say: a field left empty, a list that is not a list of numbers. */
function formOnlyMessages(values: EndpointFormValues): FieldMessage[] {
  const messages: FieldMessage[] = [];
  if (values.kind === "http" && !values.url.trim())
    messages.push({ field: "url", message: "Enter the URL Herald should POST to" });
  if (values.kind === "lambda" && !values.lambda.functionName.trim())
    messages.push({
      field: "lambda.functionName",
      message: "Enter the Lambda function's name or ARN",
    });
  if (values.eventTypes.length === 0)
    messages.push({ field: "eventTypes", message: "Select at least one event type" });
  const delays = values.retrySchedule.split(/[\s,]+/).filter(Boolean);
  const notADelay = delays.find((delay) => !/^\d+$/.test(delay));
  if (notADelay !== undefined) {
    const { min, max } = LIMITS.retryDelaySeconds;
    messages.push({
      field: "retrySchedule",
      message: label(
        "retrySchedule",
        `must list delays in whole seconds from ${min} to ${max}, separated by commas ('${notADelay}' is not one)`,
      ),
    });
  }
  if (values.retryMaxAge.trim() && delays.length === 0)
    messages.push({
      field: "retryMaxAge",
      message: label("retryMaxAge", "needs a retry schedule too: the two go together"),
    });
  return messages;
}

/**
 * Every problem the form can see without asking the API, at once and in the order the fields
 * appear: the API's own schema runs on the body the form would send. The API checks the rest
 * (event types in the catalog, private addresses, catastrophic backtracking).
 */
export function formIssues(values: EndpointFormValues, mode: "create" | "edit"): FieldMessage[] {
  const schema = mode === "create" ? createEndpointSchema : updateEndpointSchema;
  const parsed = schema.safeParse(inputFromForm(values, mode));
  const messages = firstPerField(
    formOnlyMessages(values),
    schemaMessages(parsed.error, ENDPOINT_LABELS, endpointFieldOf),
  );
  const position = (field: string) => FORM_ORDER.indexOf(field as FormField);
  return messages.sort((a, b) => position(a.field) - position(b.field));
}

const optional = (value: string) => (value.trim() === "" ? undefined : value.trim());

/**
 * Form -> API body. Empty optional fields are left out; numbers that are not numbers go as-is so
 * the API names the field.
 */
/** The form's filter fields as the API's filter object: empty fields left out. */
export function filterFromForm(values: EndpointFormValues["filter"]): ChannelFilter {
  const { clientEventNames, ...rest } = values;
  const names = splitNames(clientEventNames);
  return {
    ...(Object.fromEntries(
      Object.entries(rest).filter(([, value]) => value !== ""),
    ) as ChannelFilter),
    ...(names.length > 0 ? { clientEventNames: names } : {}),
  };
}

const splitNames = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((name) => name.trim())
    .filter(Boolean);

export function inputFromForm(values: EndpointFormValues, mode: "create" | "edit"): EndpointBody {
  const filter = filterFromForm(values.filter);
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
    bodyFormat: values.bodyFormat,
    ordering: values.orderedPerChannel ? "channel" : "none",
    // A Lambda endpoint has no HTTP egress.
    ...(values.kind === "http" ? egressBody(values.egress, mode) : {}),
  };
}

const originOf = (url: string) => (URL.canParse(url.trim()) ? new URL(url.trim()).origin : null);

/**
 * Stored headers left as they are (masked) while the URL now points at another origin: the API
 * refuses to send their values there, so each must be typed again or removed.
 */
export function headersLeftForOldOrigin(
  values: EndpointFormValues,
  saved: EndpointFormValues,
): string[] {
  if (values.kind !== "http" || saved.kind !== "http") return [];
  if (originOf(values.url) === originOf(saved.url)) return [];
  return values.headers
    .filter((row) => row.stored && isMasked(row.value) && row.name.trim() !== "")
    .map((row) => row.name.trim());
}
