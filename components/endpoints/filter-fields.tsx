"use client";

import { CheckCircle2, XCircle } from "lucide-react";
import { useState } from "react";
import type { FieldErrors, UseFormRegister } from "react-hook-form";
import { previewChannelMatch } from "@/lib/client/channel-match";
import type { ChannelFilter } from "@/lib/client/types";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { ENDPOINT_LABELS, type EndpointFormValues } from "./form-model";

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
  const active = Object.fromEntries(
    Object.entries(filter).filter(([, value]) => value !== ""),
  ) as ChannelFilter;
  const preview = channel ? previewChannelMatch(active, channel) : null;

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
        <Field
          label={ENDPOINT_LABELS["filter.channelPattern"]}
          htmlFor="filter-pattern"
          hint="Regular expression; checked for catastrophic backtracking on save."
          error={errors.filter?.channelPattern?.message}
        >
          <Input
            id="filter-pattern"
            className="font-mono"
            placeholder="^presence-room-\d+$"
            aria-invalid={Boolean(errors.filter?.channelPattern)}
            {...register("filter.channelPattern")}
          />
        </Field>
        <Field
          label={ENDPOINT_LABELS["filter.channelPrefix"]}
          htmlFor="filter-prefix"
          error={errors.filter?.channelPrefix?.message}
        >
          <Input
            id="filter-prefix"
            className="font-mono"
            placeholder="presence-chat-"
            aria-invalid={Boolean(errors.filter?.channelPrefix)}
            {...register("filter.channelPrefix")}
          />
        </Field>
        <Field
          label={ENDPOINT_LABELS["filter.channelSuffix"]}
          htmlFor="filter-suffix"
          error={errors.filter?.channelSuffix?.message}
        >
          <Input
            id="filter-suffix"
            className="font-mono"
            placeholder="-eu"
            aria-invalid={Boolean(errors.filter?.channelSuffix)}
            {...register("filter.channelSuffix")}
          />
        </Field>
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
