"use client";

import { LifeBuoy } from "lucide-react";
import { useState } from "react";
import { ApiError, errorMessage } from "@/lib/client/api";
import { useEventTypes } from "@/lib/client/catalog";
import { useJob, useRecover } from "@/lib/client/endpoints";
import {
  apiMessages,
  fieldMessage,
  firstPerField,
  schemaMessages,
  type FieldMessage,
} from "@/lib/client/field-messages";
import { recoverSchema } from "@/lib/validation/delivery-actions";
import type { Endpoint } from "@/lib/client/types";
import { fromLocalInput, toLocalInput } from "@/lib/client/datetime-local";
import { recoverySummary, type RecoveryPhase } from "@/lib/client/recovery-summary";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogFooter,
  DialogSubmitFooter,
  DialogForm,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { EndpointPicker } from "@/components/endpoints/endpoint-picker";

const PHASES: Record<RecoveryPhase, { label: string; tone: BadgeTone }> = {
  requeueing: { label: "re-queueing", tone: "blue" },
  delivering: { label: "delivering", tone: "blue" },
  settled: { label: "settled", tone: "slate" },
  failed: { label: "job failed", tone: "red" },
};

const LABELS = { endpointId: "Endpoint", since: "From", until: "To", eventTypes: "Event types" };

type RecoverForm = { since: string; until: string; eventTypes: string };

/** The API body for what the dialog holds (datetime-local values are in the browser's zone). */
const recoverBody = (form: RecoverForm) => ({
  since: fromLocalInput(form.since) ?? "",
  until: fromLocalInput(form.until) ?? "",
  eventTypes: form.eventTypes.trim() ? form.eventTypes.split(/[\s,]+/).filter(Boolean) : undefined,
});

/**
 * Every problem at once, from the API's own schema; names missing from the catalog with them. The
 * catalog check only holds a request back together with the schema's: a type deleted since still
 * names deliveries, and only the API can tell (so alone it is the API's to judge).
 */
function recoverIssues(form: RecoverForm, catalog: ReadonlySet<string> | undefined) {
  const required: FieldMessage[] = [];
  if (!form.since) required.push({ field: "since", message: "Choose when the range starts" });
  if (!form.until) required.push({ field: "until", message: "Choose when the range ends" });
  const body = recoverBody(form);
  const invalid = firstPerField(
    required,
    schemaMessages(recoverSchema.safeParse(body).error, LABELS),
  );
  const unknown = (body.eventTypes ?? []).filter((name) => catalog && !catalog.has(name));
  const unknownMessage = unknown.length
    ? [
        {
          field: "eventTypes",
          message: fieldMessage(
            "eventTypes",
            `${unknown.map((name) => `'${name}'`).join(", ")} ${unknown.length === 1 ? "is" : "are"} not in the event type catalog`,
            LABELS,
          ),
        },
      ]
    : [];
  return invalid.length ? firstPerField(invalid, unknownMessage) : [];
}

/**
 * Re-sends every failed delivery of an endpoint (or of all of them) in a time range, as a job with
 * visible progress.
 */
export function RecoverDialog({
  appId,
  endpoints,
  defaultEndpointId,
}: {
  appId: string;
  endpoints: Endpoint[];
  defaultEndpointId?: string;
}) {
  const [open, setOpen] = useState(false);
  const [endpointId, setEndpointId] = useState(defaultEndpointId ?? "");
  // Set each time the dialog opens (changeOpen): the default range ends then, not at page load.
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const [eventTypes, setEventTypes] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [jobId, setJobId] = useState<string | null>(null);
  const recover = useRecover(appId);
  const eventTypeCatalog = useEventTypes();
  const catalog = eventTypeCatalog.data
    ? new Set(eventTypeCatalog.data.data.map((eventType) => eventType.name))
    : undefined;
  const job = useJob(jobId);
  // "" = all the app's endpoints (those enabled: a disabled one's deliveries would only fail
  // again).

  function changeOpen(next: boolean) {
    setOpen(next);
    if (!next) return setJobId(null); // the next open shows the form for a new recovery
    setEndpointId(defaultEndpointId ?? endpointId);
    setSince(toLocalInput(new Date(Date.now() - 24 * 3600_000)));
    setUntil(toLocalInput(new Date(Date.now() + 60_000)));
  }

  async function start() {
    if (recover.isPending) return;
    const form = { since, until, eventTypes };
    const issues = recoverIssues(form, catalog);
    setErrors(Object.fromEntries(issues.map((issue) => [issue.field, issue.message])));
    if (issues.length) return;
    try {
      const result = await recover.mutateAsync({
        endpointId: endpointId || null,
        ...recoverBody(form),
      });
      setJobId(result.jobId);
    } catch (error) {
      if (error instanceof ApiError && error.details.length) {
        const { messages, unplaced } = apiMessages(error.details, LABELS);
        setErrors({
          ...Object.fromEntries(messages.map((message) => [message.field, message.message])),
          ...(unplaced.length ? { form: unplaced.join("; ") } : {}),
        });
      } else {
        setErrors({ form: errorMessage(error) });
      }
    }
  }

  const progress = job.data ? Math.round(job.data.progress * 100) : 0;
  const summary = job.data ? recoverySummary(job.data) : null;
  return (
    <Dialog open={open} onOpenChange={changeOpen}>
      <DialogTrigger asChild>
        <Button disabled={endpoints.length === 0}>
          <LifeBuoy className="h-4 w-4" aria-hidden /> Recover failed deliveries
        </Button>
      </DialogTrigger>
      <DialogContent
        title="Recover failed deliveries"
        description="Sends every failed delivery in the time range again, as manual attempts."
      >
        {jobId ? (
          <div className="space-y-4" aria-live="polite">
            <div className="flex items-center justify-between text-sm">
              <span className="font-medium text-slate-700">Recovery job</span>
              {summary ? (
                <Badge tone={PHASES[summary.phase].tone} dot>
                  {PHASES[summary.phase].label}
                </Badge>
              ) : null}
            </div>
            <div
              className="h-2.5 overflow-hidden rounded-full bg-slate-100"
              role="progressbar"
              aria-valuenow={progress}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-label="Recovery progress"
            >
              <div
                className="h-full rounded-full bg-indigo-600 transition-all"
                style={{ width: `${progress}%` }}
              />
            </div>
            <div className="space-y-1 text-sm text-slate-600" data-testid="recover-progress">
              {(summary?.lines ?? ["Starting…"]).map((line) => (
                <p key={line}>{line}</p>
              ))}
            </div>
            {job.data?.error ? <p className="text-sm text-red-700">{job.data.error}</p> : null}
            <p className="font-mono text-xs text-slate-400">{jobId}</p>
            <DialogFooter>
              <Button variant="primary" onClick={() => changeOpen(false)}>
                Close
              </Button>
            </DialogFooter>
          </div>
        ) : (
          <DialogForm onSubmit={() => void start()} className="space-y-4">
            <Field label={LABELS.endpointId} htmlFor="recover-endpoint" error={errors.endpointId}>
              <EndpointPicker
                id="recover-endpoint"
                endpoints={endpoints}
                value={endpointId}
                onChange={setEndpointId}
                all="All enabled endpoints"
                className="w-full"
              />
            </Field>
            <div className="grid grid-cols-2 gap-3">
              <Field label={LABELS.since} htmlFor="recover-since" error={errors.since}>
                <Input
                  id="recover-since"
                  type="datetime-local"
                  aria-invalid={Boolean(errors.since)}
                  value={since}
                  onChange={(event) => setSince(event.target.value)}
                />
              </Field>
              <Field label={LABELS.until} htmlFor="recover-until" error={errors.until}>
                <Input
                  id="recover-until"
                  type="datetime-local"
                  aria-invalid={Boolean(errors.until)}
                  value={until}
                  onChange={(event) => setUntil(event.target.value)}
                />
              </Field>
            </div>
            <Field
              label={LABELS.eventTypes}
              htmlFor="recover-event-types"
              hint="Optional, comma-separated. Empty = all."
              error={errors.eventTypes}
            >
              <Input
                id="recover-event-types"
                aria-invalid={Boolean(errors.eventTypes)}
                className="font-mono text-xs"
                placeholder="member_added, client_event"
                value={eventTypes}
                onChange={(event) => setEventTypes(event.target.value)}
              />
            </Field>
            {errors.form ? (
              <p role="alert" className="text-sm text-red-700">
                {errors.form}
              </p>
            ) : null}
            <DialogSubmitFooter onCancel={() => setOpen(false)} pending={recover.isPending}>
              Start recovery
            </DialogSubmitFooter>
          </DialogForm>
        )}
      </DialogContent>
    </Dialog>
  );
}
