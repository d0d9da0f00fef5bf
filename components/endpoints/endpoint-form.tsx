"use client";

import { Cloud, Globe } from "lucide-react";
import type { ReactNode } from "react";
import { Controller, useForm } from "react-hook-form";
import { applyApiErrors, submitChecked } from "@/lib/client/forms";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Switch } from "@/components/ui/checkbox";
import { cn } from "@/components/ui/cn";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { BatchingNumbers } from "@/components/apps/batching-fields";
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
            <Field
              label={LABELS["lambda.functionName"]}
              htmlFor="lambda-function"
              error={errors.lambda?.functionName?.message}
            >
              <Input
                id="lambda-function"
                className="font-mono"
                aria-invalid={Boolean(errors.lambda?.functionName)}
                {...register("lambda.functionName")}
              />
            </Field>
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
          <Field
            label={LABELS.timeoutMs}
            htmlFor="endpoint-timeout"
            hint="Default 10000."
            error={errors.timeoutMs?.message}
          >
            <Input
              id="endpoint-timeout"
              inputMode="numeric"
              placeholder="10000"
              aria-invalid={Boolean(errors.timeoutMs)}
              {...register("timeoutMs")}
            />
          </Field>
          <Field
            label={LABELS.retrySchedule}
            htmlFor="endpoint-retry"
            hint="Delays after each failed attempt, e.g. 5, 30, 120. Empty = default."
            error={errors.retrySchedule?.message}
          >
            <Input
              id="endpoint-retry"
              className="font-mono"
              placeholder="5, 30, 120, 600"
              aria-invalid={Boolean(errors.retrySchedule)}
              {...register("retrySchedule")}
            />
          </Field>
          <Field
            label={LABELS.retryMaxAge}
            htmlFor="endpoint-retry-max-age"
            hint="Retries stop once a delivery is this old. Needs a retry schedule; empty = default (1 day)."
            error={errors.retryMaxAge?.message}
          >
            <Input
              id="endpoint-retry-max-age"
              inputMode="numeric"
              placeholder="86400"
              aria-invalid={Boolean(errors.retryMaxAge)}
              {...register("retryMaxAge")}
            />
          </Field>
          <Field
            label="Rate limit (requests/s)"
            htmlFor="endpoint-rate-limit"
            hint="At most this many requests per second, across all workers. Empty = no limit."
            error={errors.rateLimitPerSecond?.message}
          >
            <Input
              id="endpoint-rate-limit"
              inputMode="numeric"
              placeholder="No limit"
              aria-invalid={Boolean(errors.rateLimitPerSecond)}
              {...register("rateLimitPerSecond")}
            />
          </Field>
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
        <label className="flex items-center justify-between gap-4 rounded-lg border border-slate-200 px-4 py-3">
          <span>
            <span className="block text-sm font-medium text-slate-700">
              Standard Webhooks signatures
            </span>
            <span className="block text-xs text-slate-500">
              {kind === "lambda"
                ? "For URL endpoints only: a Lambda invocation carries no HTTP headers (IAM authenticates it)."
                : "Also send webhook-id, webhook-timestamp and webhook-signature (whsec_ secret)."}
            </span>
          </span>
          <Controller
            control={control}
            name="standardWebhooksEnabled"
            render={({ field }) => (
              <Switch
                checked={field.value}
                onCheckedChange={field.onChange}
                aria-label="Standard Webhooks signatures"
              />
            )}
          />
        </label>
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
