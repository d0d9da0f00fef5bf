"use client";

import { Cloud, Globe } from "lucide-react";
import type { ReactNode } from "react";
import { Controller, useForm } from "react-hook-form";
import { applyApiErrors, submitChecked } from "@/lib/client/forms";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Switch } from "@/components/ui/checkbox";
import { cn } from "@/components/ui/cn";
import { Field, TextField } from "@/components/ui/field";
import { SwitchRow } from "@/components/ui/switch-row";
import { Input, Select } from "@/components/ui/input";
import { BatchingNumbers } from "@/components/apps/batching-fields";
import { EgressFields } from "./egress-fields";
import { EventTypePicker } from "./event-type-picker";
import { FilterFields } from "./filter-fields";
import {
  ENDPOINT_LABELS as LABELS,
  endpointFieldOf,
  formIssues,
  headersLeftForOldOrigin,
  inputFromForm,
  type EndpointBody,
  type EndpointFormValues,
} from "./form-model";
import { HeaderEditor } from "./header-editor";

type FormValues = EndpointFormValues & { headersError?: string };

/** Add or edit an endpoint: destination, event types, filter, headers, delivery overrides. */
/** The delivery settings' text fields, in the form's order; numbers are typed on a number pad. */
const DELIVERY_FIELDS: {
  name: "timeoutMs" | "retrySchedule" | "retryMaxAge" | "rateLimitPerSecond";
  label: string;
  id: string;
  hint: string;
  placeholder: string;
  numeric: boolean;
}[] = [
  {
    name: "timeoutMs",
    label: LABELS.timeoutMs,
    id: "endpoint-timeout",
    hint: "Default 10000.",
    placeholder: "10000",
    numeric: true,
  },
  {
    name: "retrySchedule",
    label: LABELS.retrySchedule,
    id: "endpoint-retry",
    hint: "Delays after each failed attempt, e.g. 5, 30, 120. Empty = default.",
    placeholder: "5, 30, 120, 600",
    numeric: false,
  },
  {
    name: "retryMaxAge",
    label: LABELS.retryMaxAge,
    id: "endpoint-retry-max-age",
    hint: "Retries stop once a delivery is this old. Needs a retry schedule; empty = default (1 day).",
    placeholder: "86400",
    numeric: true,
  },
  {
    name: "rateLimitPerSecond",
    label: "Rate limit (requests/s)",
    id: "endpoint-rate-limit",
    hint: "At most this many requests per second, across all workers. Empty = no limit.",
    placeholder: "No limit",
    numeric: true,
  },
];

export function EndpointForm({
  mode,
  defaultValues,
  onSubmit,
  submitLabel,
  footer,
}: {
  mode: "create" | "edit";
  defaultValues: EndpointFormValues;
  onSubmit: (input: EndpointBody) => Promise<unknown>;
  submitLabel: string;
  footer?: ReactNode;
}) {
  const form = useForm<FormValues>({ defaultValues });
  const { register, control, watch, formState } = form;
  const errors = formState.errors;
  const kind = watch("kind");
  const batchingMode = watch("batchingMode");
  const headersForOldOrigin =
    mode === "edit" ? headersLeftForOldOrigin(watch(), defaultValues) : [];

  const submit = submitChecked(
    form,
    (values) => formIssues(values, mode),
    async (values) => {
      try {
        await onSubmit(inputFromForm(values, mode));
      } catch (error) {
        applyApiErrors(error, form, LABELS, endpointFieldOf);
      }
    },
    revealUnfocusable,
  );

  return (
    <form onSubmit={submit} noValidate className="space-y-6">
      <Section title="Destination" description="Where Herald sends this app's events.">
        <div role="radiogroup" aria-label="Endpoint kind" className="grid gap-3 sm:grid-cols-2">
          <KindOption
            checked={kind === "http"}
            onSelect={() => form.setValue("kind", "http")}
            icon={<Globe className="h-4 w-4" />}
            title="HTTPS URL"
            text="POST with Pusher signature headers"
          />
          <KindOption
            checked={kind === "lambda"}
            onSelect={() => form.setValue("kind", "lambda")}
            icon={<Cloud className="h-4 w-4" />}
            title="AWS Lambda"
            text="Invoke a function with the same payload"
          />
        </div>
        {kind === "http" ? (
          <Field label={LABELS.url} htmlFor="endpoint-url" error={errors.url?.message}>
            <Input
              id="endpoint-url"
              type="url"
              className="font-mono"
              placeholder="https://example.com/webhooks/pusher"
              aria-invalid={Boolean(errors.url)}
              {...register("url")}
            />
          </Field>
        ) : (
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label={LABELS["lambda.functionName"]}
              id="lambda-function"
              error={errors.lambda?.functionName}
              className="font-mono"
              {...register("lambda.functionName")}
            />
            <Field
              label={LABELS["lambda.region"]}
              htmlFor="lambda-region"
              error={errors.lambda?.region?.message}
            >
              <Input id="lambda-region" placeholder="us-east-1" {...register("lambda.region")} />
            </Field>
            <Field label="Invocation type" htmlFor="lambda-invocation">
              <Select id="lambda-invocation" {...register("lambda.invocationType")}>
                <option value="Event">Event (asynchronous)</option>
                <option value="RequestResponse">RequestResponse (wait for the result)</option>
              </Select>
            </Field>
            <Field
              label={LABELS["lambda.qualifier"]}
              htmlFor="lambda-qualifier"
              hint="Version or alias (optional)."
              error={errors.lambda?.qualifier?.message}
            >
              <Input id="lambda-qualifier" {...register("lambda.qualifier")} />
            </Field>
            <Field
              label={LABELS["lambda.endpointUrl"]}
              htmlFor="lambda-endpoint"
              className="sm:col-span-2"
              hint="For LocalStack or another Lambda-compatible API (optional)."
              error={errors.lambda?.endpointUrl?.message}
            >
              <Input
                id="lambda-endpoint"
                className="font-mono"
                {...register("lambda.endpointUrl")}
              />
            </Field>
          </div>
        )}
        <Field
          label={LABELS.description}
          htmlFor="endpoint-description"
          error={errors.description?.message}
        >
          <Input
            id="endpoint-description"
            placeholder="Presence events for the chat backend"
            {...register("description")}
          />
        </Field>
      </Section>

      <Section
        title={LABELS.eventTypes}
        description="Only events of the selected types are sent to this endpoint."
      >
        <Controller
          control={control}
          name="eventTypes"
          render={({ field }) => (
            <EventTypePicker
              value={field.value}
              onChange={field.onChange}
              invalid={Boolean(errors.eventTypes)}
            />
          )}
        />
        {errors.eventTypes ? (
          <p
            id="endpoint-event-types-error"
            role="alert"
            className="text-xs font-medium text-red-600"
          >
            {errors.eventTypes.message}
          </p>
        ) : null}
      </Section>

      <Section title="Channel filter" description="Optional. Every field you set must match (AND).">
        <FilterFields register={register} errors={errors} filter={watch("filter")} />
      </Section>

      <Section
        title={LABELS.headersError}
        description={
          kind === "lambda"
            ? "Sent only to URL endpoints: a Lambda function receives the payload alone. Kept here in case this endpoint is switched to a URL."
            : "Added to every request; cannot replace Content-Type, signature or Standard Webhooks headers."
        }
      >
        <HeaderEditor
          control={control}
          register={register}
          error={errors.headersError?.message}
          notice={
            headersForOldOrigin.length
              ? `The URL now points at another origin, and stored values are never sent to a new one: type the value of ${headersForOldOrigin.join(", ")} again, or remove ${headersForOldOrigin.length === 1 ? "it" : "them"}.`
              : undefined
          }
        />
      </Section>

      <Section
        title="Delivery settings"
        description="Overrides for this endpoint; leave empty to use the defaults."
      >
        <div className="grid gap-4 sm:grid-cols-2">
          {DELIVERY_FIELDS.map(({ name, label, id, hint, placeholder, numeric }) => (
            <TextField
              key={name}
              label={label}
              id={id}
              hint={hint}
              error={errors[name]}
              className={numeric ? undefined : "font-mono"}
              inputMode={numeric ? "numeric" : undefined}
              placeholder={placeholder}
              {...register(name)}
            />
          ))}
        </div>
        <Field label="Batching" htmlFor="endpoint-batching-mode">
          <Select id="endpoint-batching-mode" {...register("batchingMode")}>
            <option value="inherit">Use the app&apos;s batching</option>
            <option value="custom">Custom for this endpoint</option>
          </Select>
        </Field>
        {batchingMode === "custom" ? (
          <div className="grid items-end gap-4 rounded-lg border border-slate-200 bg-slate-50/60 p-4 sm:grid-cols-3">
            <label className="flex items-center gap-3 pb-2 text-sm font-medium text-slate-700">
              <Controller
                control={control}
                name="batching.enabled"
                render={({ field }) => (
                  <Switch
                    checked={field.value}
                    onCheckedChange={field.onChange}
                    aria-label="Batch events for this endpoint"
                  />
                )}
              />
              Batch events
            </label>
            <BatchingNumbers
              idPrefix="endpoint"
              durationMs={register("batching.durationMs")}
              maxBatchSize={register("batching.maxBatchSize")}
              errors={{
                durationMs: errors.batching?.durationMs?.message,
                maxBatchSize: errors.batching?.maxBatchSize?.message,
              }}
            />
          </div>
        ) : null}
        <SwitchRow
          control={control}
          name="standardWebhooksEnabled"
          label="Standard Webhooks signatures"
          className="rounded-lg border border-slate-200 px-4 py-3"
          description={
            kind === "lambda"
              ? "For URL endpoints only: a Lambda invocation carries no HTTP headers (IAM authenticates it)."
              : "Also send webhook-id, webhook-timestamp and webhook-signature (whsec_ secret)."
          }
        />
        <SwitchRow
          control={control}
          name="orderedPerChannel"
          label="Deliver in order per channel"
          className="rounded-lg border border-slate-200 px-4 py-3"
          description="A delivery waits until every earlier one sharing a channel with it has succeeded or failed for good; a retry holds back only its own channels. Redeliver and Recover are outside the order."
        />
        <Field
          label="Body format"
          htmlFor="endpoint-body-format"
          hint="Slack posts {text} for a Slack incoming webhook: a line per event and a link to the delivery (herald.* events read as sentences)."
        >
          <Select id="endpoint-body-format" {...register("bodyFormat")}>
            <option value="pusher">Pusher (time_ms and events)</option>
            <option value="slack">
              Slack ({"{"}text{"}"})
            </option>
          </Select>
        </Field>
      </Section>

      {kind === "http" ? (
        <Section
          title="Egress"
          description="How requests leave Herald: a proxy override and a TLS client certificate."
        >
          <EgressFields form={form} />
        </Section>
      ) : null}

      <div className="sticky bottom-0 -mx-1 flex items-center justify-end gap-2 border-t border-slate-200 bg-slate-50/95 px-1 py-3 backdrop-blur">
        {footer}
        <Button type="submit" variant="primary" loading={formState.isSubmitting}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}

function Section({
  title,
  description,
  children,
}: {
  title: string;
  description: string;
  children: ReactNode;
}) {
  return (
    <Card>
      <CardHeader title={title} description={description} />
      <CardBody className="space-y-4">{children}</CardBody>
    </Card>
  );
}

function KindOption({
  checked,
  onSelect,
  icon,
  title,
  text,
}: {
  checked: boolean;
  onSelect: () => void;
  icon: ReactNode;
  title: string;
  text: string;
}) {
  return (
    <button
      type="button"
      role="radio"
      aria-checked={checked}
      onClick={onSelect}
      className={cn(
        "flex items-start gap-3 rounded-lg border px-4 py-3 text-left transition-colors focus-visible:outline-2 focus-visible:outline-indigo-600",
        checked
          ? "border-indigo-400 bg-indigo-50/60 ring-1 ring-indigo-400"
          : "border-slate-200 hover:border-slate-300",
      )}
    >
      <span className={cn("mt-0.5", checked ? "text-indigo-600" : "text-slate-400")}>{icon}</span>
      <span>
        <span className="block text-sm font-medium text-slate-900">{title}</span>
        <span className="block text-xs text-slate-500">{text}</span>
      </span>
    </button>
  );
}

/** The event-type checkboxes are no input react-hook-form can focus: bring their error into view. */
function revealUnfocusable(field: string): boolean {
  if (field !== "eventTypes") return false;
  requestAnimationFrame(() =>
    document
      .getElementById("endpoint-event-types-error")
      ?.scrollIntoView({ block: "center", behavior: "smooth" }),
  );
  return true;
}
