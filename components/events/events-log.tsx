"use client";

import { Inbox } from "lucide-react";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { useEvent, useEvents, type EventFilters } from "@/lib/client/events";
import { useEndpoints } from "@/lib/client/endpoints";
import { useLoadError } from "@/lib/client/use-load-error";
import type { Endpoint, RoutingEntry, StoredEvent } from "@/lib/client/types";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { Input, Select } from "@/components/ui/input";
import { InstantInput } from "@/components/ui/instant-input";
import { RelativeTime, absoluteTime } from "@/components/ui/relative-time";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState, RefreshFailed } from "@/components/ui/states";
import { LoadMoreFooter, ScrollTable, TableHeader } from "@/components/ui/table";
import { shortTarget } from "@/components/endpoints/endpoint-status";
import { useEventFilters } from "./use-event-filters";

// The Events tab: every event the app received, what became of it (its state) and, in the drawer,
// where it went for each endpoint (docs/presence.md#event-states).

const STATE_TONE: Record<StoredEvent["state"], BadgeTone> = {
  routed: "green",
  waiting: "slate",
  held: "amber",
  suppressed: "indigo",
  collapsed: "blue",
};

const OUTCOME_TONE: Record<RoutingEntry["outcome"], BadgeTone> = {
  delivered: "green",
  pending: "amber",
  in_batch: "blue",
  failed: "red",
  not_subscribed: "slate",
  filtered_out: "slate",
  endpoint_disabled: "red",
};

export function EventsLog({ appId }: { appId: string }) {
  const { filters, selectedEvent, update } = useEventFilters();
  const events = useEvents(appId, filters);
  const endpoints = useEndpoints(appId);
  const loadError = useLoadError(events, JSON.stringify(filters));
  const rows = useMemo(() => events.data?.pages.flatMap((page) => page.data) ?? [], [events.data]);
  const endpointsById = useMemo(
    () => new Map((endpoints.data?.data ?? []).map((endpoint) => [endpoint.id, endpoint])),
    [endpoints.data],
  );
  const open = (eventId: string | null) => update({ event: eventId });

  return (
    <div className="space-y-4">
      <Card className="overflow-hidden">
        <EventFiltersBar filters={filters} update={update} />
        {events.isError && events.data && !loadError ? (
          <div className="border-b border-slate-100 px-4 py-2">
            <RefreshFailed error={events.error} />
          </div>
        ) : null}
        {loadError ? (
          <ErrorState error={loadError} retry={() => void events.refetch()} className="pb-8" />
        ) : !events.data ? (
          <SkeletonRows rows={8} />
        ) : rows.length === 0 ? (
          <EmptyState
            icon={Inbox}
            title={Object.keys(filters).length ? "No events match these filters" : "No events yet"}
            description={
              Object.keys(filters).length
                ? "Name, channel and user id match whole values only. Try a wider range or clear the filters."
                : "Events appear here as soon as your realtime server (or a producer) sends them."
            }
          />
        ) : (
          <>
            <ScrollTable label="Events">
              <TableHeader>
                <th className="px-4 py-2.5 font-medium">State</th>
                <th className="px-4 py-2.5 font-medium">Event</th>
                <th className="px-4 py-2.5 font-medium">Channel</th>
                <th className="px-4 py-2.5 font-medium">User</th>
                <th className="px-4 py-2.5 font-medium">Received</th>
              </TableHeader>
              <tbody className="divide-y divide-slate-100">
                {rows.map((event) => (
                  <tr
                    key={event.id}
                    tabIndex={0}
                    data-clickable="true"
                    data-testid="event-row"
                    data-event-id={event.id}
                    data-state={event.state}
                    aria-label={`Event ${event.name} ${event.id}, ${event.state}`}
                    onClick={() => open(event.id)}
                    onKeyDown={(key) => {
                      if (key.key === "Enter" || key.key === " ") {
                        key.preventDefault();
                        open(event.id);
                      }
                    }}
                    className={cn(
                      "cursor-pointer hover:bg-slate-50",
                      selectedEvent === event.id && "bg-indigo-50/60",
                    )}
                  >
                    <td className="px-4 py-2.5">
                      <Badge tone={STATE_TONE[event.state]}>{event.state}</Badge>
                    </td>
                    <td className="px-4 py-2.5 font-mono text-xs text-slate-900">
                      {event.name}
                      {typeof event.payload.event === "string" ? (
                        <span className="ml-1.5 text-slate-500">{event.payload.event}</span>
                      ) : null}
                    </td>
                    <td className="max-w-56 truncate px-4 py-2.5 font-mono text-xs text-slate-600">
                      {event.channel}
                    </td>
                    <td className="px-4 py-2.5 font-mono text-xs text-slate-600">
                      {event.userId ?? "—"}
                    </td>
                    <td className="px-4 py-2.5">
                      <RelativeTime value={event.receivedAt} className="text-slate-500" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </ScrollTable>
            <LoadMoreFooter shown={rows.length} pages={events} />
          </>
        )}
      </Card>
      <EventDrawer
        appId={appId}
        eventId={selectedEvent}
        endpointsById={endpointsById}
        onClose={() => open(null)}
      />
    </div>
  );
}

function EventFiltersBar({
  filters,
  update,
}: {
  filters: EventFilters;
  update: (changes: Record<string, string | null>) => void;
}) {
  return (
    <div className="flex flex-wrap items-end gap-3 border-b border-slate-100 bg-slate-50/60 px-4 py-3">
      <TextFilter label="Event name" name="name" value={filters.name} update={update} />
      <TextFilter label="Channel" name="channel" value={filters.channel} update={update} />
      <TextFilter label="User id" name="userId" value={filters.userId} update={update} />
      <label className="text-xs text-slate-600">
        State
        <Select
          aria-label="State"
          className="mt-1 w-36"
          value={filters.state ?? ""}
          onChange={(event) => update({ state: event.target.value || null })}
        >
          <option value="">Any</option>
          <option value="routed">routed</option>
          <option value="held">held</option>
          <option value="suppressed">suppressed</option>
          <option value="collapsed">collapsed</option>
        </Select>
      </label>
      <label className="text-xs text-slate-600">
        From
        <InstantInput
          aria-label="Received from"
          className="mt-1 w-48"
          value={filters.since}
          onChange={(since) => update({ since })}
        />
      </label>
      <label className="text-xs text-slate-600">
        To
        <InstantInput
          aria-label="Received before"
          className="mt-1 w-48"
          value={filters.until}
          onChange={(until) => update({ until })}
        />
      </label>
      {Object.keys(filters).length ? (
        <Button
          size="sm"
          variant="ghost"
          onClick={() =>
            update({
              name: null,
              channel: null,
              userId: null,
              state: null,
              since: null,
              until: null,
            })
          }
        >
          Clear filters
        </Button>
      ) : null}
    </div>
  );
}

/** A text filter that updates the URL once typing pauses. */
function TextFilter({
  label,
  name,
  value,
  update,
}: {
  label: string;
  name: string;
  value: string | undefined;
  update: (changes: Record<string, string | null>) => void;
}) {
  const [text, setText] = useState(value ?? "");
  // The URL changed by other means (Clear filters, back): show what it says now.
  const [shown, setShown] = useState(value ?? "");
  if ((value ?? "") !== shown) {
    setShown(value ?? "");
    setText(value ?? "");
  }
  useEffect(() => {
    if ((value ?? "") === text) return;
    const timer = setTimeout(() => update({ [name]: text.trim() || null }), 350);
    return () => clearTimeout(timer);
  }, [text, value, name, update]);
  return (
    <label className="text-xs text-slate-600">
      {label}
      <Input
        aria-label={label}
        className="mt-1 w-44 font-mono"
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
    </label>
  );
}

function EventDrawer({
  appId,
  eventId,
  endpointsById,
  onClose,
}: {
  appId: string;
  eventId: string | null;
  endpointsById: Map<string, Endpoint>;
  onClose: () => void;
}) {
  const event = useEvent(appId, eventId);
  const loadError = useLoadError(event, eventId ?? "");
  return (
    <Dialog open={Boolean(eventId)} onOpenChange={(isOpen) => (isOpen ? undefined : onClose())}>
      {eventId ? (
        <DialogContent
          side="right"
          title="Event"
          description={<span className="font-mono text-xs">{eventId}</span>}
        >
          {event.data ? (
            <EventDetail appId={appId} event={event.data} endpointsById={endpointsById} />
          ) : loadError ? (
            <ErrorState error={loadError} retry={() => void event.refetch()} />
          ) : (
            <SkeletonRows rows={4} />
          )}
        </DialogContent>
      ) : null}
    </Dialog>
  );
}

function EventDetail({
  appId,
  event,
  endpointsById,
}: {
  appId: string;
  event: StoredEvent;
  endpointsById: Map<string, Endpoint>;
}) {
  return (
    <div className="space-y-5 text-sm">
      <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1.5">
        <dt className="text-slate-500">Name</dt>
        <dd className="font-mono">{event.name}</dd>
        <dt className="text-slate-500">Channel</dt>
        <dd className="font-mono break-all">{event.channel}</dd>
        {event.userId ? (
          <>
            <dt className="text-slate-500">User id</dt>
            <dd className="font-mono">{event.userId}</dd>
          </>
        ) : null}
        <dt className="text-slate-500">Received</dt>
        <dd>{absoluteTime(event.receivedAt)}</dd>
        <dt className="text-slate-500">State</dt>
        <dd data-testid="event-state">
          <Badge tone={STATE_TONE[event.state]}>{event.state}</Badge>{" "}
          {event.state === "held" && event.heldUntil ? (
            <span>until {absoluteTime(event.heldUntil)}</span>
          ) : null}
          {event.suppressedBy ? (
            <EventLink appId={appId} label="with" id={event.suppressedBy} />
          ) : null}
          {event.collapsedInto ? (
            <EventLink appId={appId} label="into" id={event.collapsedInto} />
          ) : null}
        </dd>
      </dl>
      <section>
        <h3 className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">
          Routing
        </h3>
        {event.routing?.length ? (
          <ScrollTable label="Routing">
            <TableHeader>
              <th className="py-2 pr-3 font-medium">Endpoint</th>
              <th className="py-2 pr-3 font-medium">Outcome</th>
              <th className="py-2 font-medium">Why</th>
            </TableHeader>
            <tbody className="divide-y divide-slate-100">
              {event.routing.map((entry) => {
                const endpoint = endpointsById.get(entry.endpointId);
                return (
                  <tr key={entry.endpointId} data-testid="routing-row" data-outcome={entry.outcome}>
                    <td className="py-2 pr-3 font-mono text-xs">
                      <Link
                        className="text-indigo-700 hover:underline"
                        href={`/apps/${encodeURIComponent(appId)}/endpoints/${entry.endpointId}`}
                      >
                        {endpoint ? shortTarget(endpoint, 30) : entry.endpointId.slice(-8)}
                      </Link>
                    </td>
                    <td className="py-2 pr-3">
                      <Badge tone={OUTCOME_TONE[entry.outcome]}>{entry.outcome}</Badge>
                    </td>
                    <td className="py-2 text-xs text-slate-700">
                      {entry.reason}
                      {entry.deliveryId ? (
                        <>
                          {" "}
                          <Link
                            className="text-indigo-700 underline"
                            href={`/apps/${encodeURIComponent(appId)}/deliveries?delivery=${entry.deliveryId}`}
                          >
                            View delivery
                          </Link>
                        </>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </ScrollTable>
        ) : (
          <p className="text-xs text-slate-500">This app has no endpoints.</p>
        )}
      </section>
      <section>
        <h3 className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">
          Payload
        </h3>
        <pre className="overflow-x-auto rounded bg-slate-50 p-3 font-mono text-xs">
          {JSON.stringify(event.payload, null, 2)}
        </pre>
      </section>
    </div>
  );
}

/** Another event this one names (the one it cancelled out with, or was collapsed into). */
function EventLink({ appId, label, id }: { appId: string; label: string; id: string }) {
  const href = `/apps/${encodeURIComponent(appId)}/events?event=${encodeURIComponent(id)}`;
  return (
    <span>
      {label}{" "}
      <Link className="font-mono text-indigo-700 underline" href={href}>
        {id}
      </Link>
    </span>
  );
}
