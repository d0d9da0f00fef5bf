"use client";

import { CheckCircle2, XCircle } from "lucide-react";
import { useState } from "react";
import type { FieldErrors, UseFormRegister } from "react-hook-form";
import { previewMatch } from "@/lib/client/channel-match";
import { Field, TextField } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { ENDPOINT_LABELS, filterFromForm, type EndpointFormValues } from "./form-model";

/** The channel filter's text fields (pattern, prefix, suffix), in the form's order. */
const CHANNEL_FIELDS: {
  name: "channelPattern" | "channelPrefix" | "channelSuffix";
  id: string;
  hint?: string;
  placeholder: string;
}[] = [
  {
    name: "channelPattern",
    id: "filter-pattern",
    hint: "Regular expression; checked for catastrophic backtracking on save.",
    placeholder: "^presence-room-\\d+$",
  },
  { name: "channelPrefix", id: "filter-prefix", placeholder: "presence-chat-" },
  { name: "channelSuffix", id: "filter-suffix", placeholder: "-eu" },
];

export function FilterFields({
  register,
  errors,
  filter,
}: {
  register: UseFormRegister<EndpointFormValues>;
  errors: FieldErrors<EndpointFormValues>;
  filter: EndpointFormValues["filter"];
}) {
  const [channel, setChannel] = useState("");
  const [clientEvent, setClientEvent] = useState("");
  const preview = channel
    ? previewMatch(filterFromForm(filter), channel, clientEvent.trim())
    : null;

  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label={ENDPOINT_LABELS["filter.channelType"]}
          htmlFor="filter-type"
          error={errors.filter?.channelType?.message}
        >
          <Select id="filter-type" {...register("filter.channelType")}>
            <option value="">Any</option>
            <option value="public">public</option>
            <option value="private">private-</option>
            <option value="presence">presence-</option>
            <option value="private-encrypted">private-encrypted-</option>
            <option value="cache">cache (any cache- channel)</option>
          </Select>
        </Field>
        {CHANNEL_FIELDS.map(({ name, id, hint, placeholder }) => (
          <TextField
            key={name}
            label={ENDPOINT_LABELS[`filter.${name}`]}
            id={id}
            hint={hint}
            error={errors.filter?.[name]}
            className="font-mono"
            placeholder={placeholder}
            {...register(`filter.${name}`)}
          />
        ))}
        <Field
          label={ENDPOINT_LABELS["filter.clientEventNames"]}
          htmlFor="filter-client-names"
          hint="client_event only: exact names, one per line (at most 100). Other event types are not affected."
          error={errors.filter?.clientEventNames?.message}
        >
          <Textarea
            id="filter-client-names"
            className="font-mono"
            rows={2}
            placeholder="client-typing"
            aria-invalid={Boolean(errors.filter?.clientEventNames)}
            {...register("filter.clientEventNames")}
          />
        </Field>
        <TextField
          label={ENDPOINT_LABELS["filter.clientEventPrefix"]}
          id="filter-client-prefix"
          hint="client_event only: the client event's name must start with this."
          error={errors.filter?.clientEventPrefix}
          className="font-mono"
          placeholder="client-chat-"
          {...register("filter.clientEventPrefix")}
        />
      </div>
      <div className="rounded-lg border border-dashed border-slate-300 bg-slate-50/70 p-4">
        <Field
          label="Would this channel match?"
          htmlFor="filter-test-channel"
          hint="Type a channel name to check it against the filter above, as you edit."
        >
          <Input
            id="filter-test-channel"
            className="font-mono"
            placeholder="presence-chat-42"
            value={channel}
            onChange={(event) => setChannel(event.target.value)}
          />
        </Field>
        <Field
          label="As a client event named (optional)"
          htmlFor="filter-test-client-event"
          hint="Checks a client_event with this name on that channel against the client-event fields."
        >
          <Input
            id="filter-test-client-event"
            className="font-mono"
            placeholder="client-typing"
            value={clientEvent}
            onChange={(event) => setClientEvent(event.target.value)}
          />
        </Field>
        {preview ? (
          <div className="mt-3" aria-live="polite" data-testid="filter-match-result">
            {preview.matches ? (
              <p className="flex items-center gap-1.5 text-sm font-medium text-emerald-700">
                <CheckCircle2 className="h-4 w-4" aria-hidden /> Matches: events on this channel are
                sent
              </p>
            ) : (
              <p className="flex items-center gap-1.5 text-sm font-medium text-red-700">
                <XCircle className="h-4 w-4" aria-hidden /> Does not match: events on this channel
                are skipped
              </p>
            )}
            {preview.reasons.length === 0 ? (
              <p className="mt-1 text-xs text-slate-500">No filter set: every channel matches.</p>
            ) : null}
            <ul className="mt-1.5 space-y-0.5">
              {preview.reasons.map((reason) => (
                <li
                  key={reason.field}
                  data-testid={`filter-reason-${reason.field}`}
                  className={reason.ok ? "text-xs text-emerald-700" : "text-xs text-red-700"}
                >
                  {reason.ok ? "✓" : "✗"} {reason.text}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </div>
  );
}
