"use client";

import { X } from "lucide-react";
import { useEffect, useState } from "react";
import { rangeSince, timeRange, TIME_RANGES, type DeliveryFilters } from "@/lib/client/deliveries";
import { useEventTypes } from "@/lib/client/catalog";
import type { Endpoint } from "@/lib/client/types";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { InstantInput } from "@/components/ui/instant-input";
import { EndpointPicker } from "@/components/endpoints/endpoint-picker";

/** Room for "12/05/2026, 09:51 PM" and the picker icon at text-sm (about 238 px in Chromium). */
const DATE_TIME_WIDTH = "w-64";
const STATUSES = ["pending", "delivering", "succeeded", "retrying", "failed", "cancelled"];

export function FiltersBar({
  filters,
  update,
  endpoints,
}: {
  filters: DeliveryFilters;
  update: (changes: Record<string, string | null>) => void;
  endpoints: Endpoint[];
}) {
  const eventTypes = useEventTypes();
  const [channel, setChannel] = useState(filters.channel ?? "");
  // Custom chosen but no date picked yet: nothing in the URL says so.
  const [customChosen, setCustomChosen] = useState(false);
  const preset = timeRange(filters.range);
  const range = preset
    ? preset.value
    : filters.since || filters.until || customChosen
      ? "custom"
      : "";

  // Typing in the channel box updates the URL once the user pauses.
  useEffect(() => {
    if ((filters.channel ?? "") === channel) return;
    const timer = setTimeout(() => update({ channel: channel.trim() || null }), 350);
    return () => clearTimeout(timer);
  }, [channel, filters.channel, update]);

  function chooseRange(value: string) {
    setCustomChosen(value === "custom");
    if (value === "custom") {
      // From a preset: the custom range starts as the window it showed.
      update({
        range: null,
        ...(preset ? { since: rangeSince(preset.seconds), until: null } : {}),
      });
    } else {
      update({ range: value || null, since: null, until: null });
    }
  }

  const active = Object.values(filters).some(Boolean);
  return (
    <div className="flex flex-wrap items-end gap-3 border-b border-slate-100 px-4 py-3">
      <FilterLabel label="Status">
        <Select
          aria-label="Status"
          value={filters.status ?? ""}
          onChange={(event) => update({ status: event.target.value || null })}
          className="w-40"
        >
          <option value="">All statuses</option>
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </Select>
      </FilterLabel>
      <FilterLabel label="Endpoint">
        <EndpointPicker
          ariaLabel="Endpoint"
          endpoints={endpoints}
          value={filters.endpointId ?? ""}
          onChange={(endpointId) => update({ endpointId: endpointId || null })}
          all="All endpoints"
        />
      </FilterLabel>
      <FilterLabel label="Event">
        <Select
          aria-label="Event name"
          value={filters.eventName ?? ""}
          onChange={(event) => update({ eventName: event.target.value || null })}
          className="w-44"
        >
          <option value="">All events</option>
          {(eventTypes.data?.data ?? []).map((eventType) => (
            <option key={eventType.name} value={eventType.name}>
              {eventType.name}
            </option>
          ))}
        </Select>
      </FilterLabel>
      {/* The API matches whole channel names (an index lookup); say so before an empty result does. */}
      <FilterLabel label="Channel (exact name)">
        <Input
          aria-label="Channel"
          aria-description="Matches the whole channel name, not a part of it"
          placeholder="presence-room-1"
          title="Matches the whole channel name, e.g. presence-room-1, not a part of it"
          value={channel}
          onChange={(event) => setChannel(event.target.value)}
          className="w-44 font-mono text-xs"
        />
      </FilterLabel>
      <FilterLabel label="Time">
        <Select
          aria-label="Time range"
          value={range}
          onChange={(event) => chooseRange(event.target.value)}
          className="w-48"
        >
          <option value="">Any time</option>
          {TIME_RANGES.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
          <option value="custom">Custom range…</option>
        </Select>
      </FilterLabel>
      {range === "custom" ? (
        <>
          <FilterLabel label="From">
            <InstantInput
              aria-label="From"
              value={filters.since}
              onChange={(since) => update({ since })}
              className={DATE_TIME_WIDTH}
            />
          </FilterLabel>
          <FilterLabel label="To">
            <InstantInput
              aria-label="To"
              value={filters.until}
              onChange={(until) => update({ until })}
              className={DATE_TIME_WIDTH}
            />
          </FilterLabel>
        </>
      ) : null}
      {active ? (
        <Button
          variant="ghost"
          size="sm"
          className="mb-0.5"
          onClick={() => {
            setChannel("");
            setCustomChosen(false);
            update({
              status: null,
              endpointId: null,
              eventName: null,
              channel: null,
              range: null,
              since: null,
              until: null,
            });
          }}
        >
          <X className="h-3.5 w-3.5" aria-hidden /> Clear filters
        </Button>
      ) : null}
    </div>
  );
}

function FilterLabel({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <div className="mb-1 text-[11px] font-medium tracking-wide text-slate-500 uppercase">
        {label}
      </div>
      {children}
    </div>
  );
}
