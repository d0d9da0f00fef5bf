"use client";

import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
} from "@tanstack/react-table";
import { Inbox, RotateCcw } from "lucide-react";
import { useMemo } from "react";
import { useDeliveries } from "@/lib/client/deliveries";
import { useEndpoints } from "@/lib/client/endpoints";
import { useLoadError } from "@/lib/client/use-load-error";
import type { Delivery, Endpoint } from "@/lib/client/types";
import { HttpStatus, StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { RelativeTime } from "@/components/ui/relative-time";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState, RefreshFailed } from "@/components/ui/states";
import { shortenTarget, shortTarget } from "@/components/endpoints/endpoint-status";
import { endpointTarget } from "@/lib/endpoint-target";
import { LoadMoreFooter, ScrollTable } from "@/components/ui/table";
import { DeliveryDrawer } from "./delivery-drawer";
import { FiltersBar } from "./filters-bar";
import { RecoverDialog } from "./recover-dialog";
import { useDeliveryFilters } from "./use-filters";

const column = createColumnHelper<Delivery>();
/** Beyond this many loaded pages, live refresh pauses so paging deep stays fast. */
const LIVE_PAGE_LIMIT = 3;

export function DeliveriesLog({ appId }: { appId: string }) {
  const { filters, selectedDelivery, update } = useDeliveryFilters();
  const endpoints = useEndpoints(appId);
  const deliveries = useDeliveries(appId, filters);
  const loadError = useLoadError(deliveries, JSON.stringify(filters));
  const endpointsById = useMemo(
    () => new Map((endpoints.data?.data ?? []).map((endpoint) => [endpoint.id, endpoint])),
    [endpoints.data],
  );
  const rows = useMemo(
    () => deliveries.data?.pages.flatMap((page) => page.data) ?? [],
    [deliveries.data],
  );
  const live = (deliveries.data?.pages.length ?? 0) <= LIVE_PAGE_LIMIT;

  const columns = useMemo(
    () => [
      column.accessor("status", {
        header: "Status",
        cell: (info) => <StatusBadge status={info.getValue()} />,
      }),
      column.display({
        id: "events",
        header: "Events",
        cell: ({ row }) => <EventsCell delivery={row.original} />,
      }),
      column.accessor("endpointId", {
        header: "Endpoint",
        cell: (info) => {
          const id = info.getValue();
          return (
            <EndpointCell
              endpoint={id ? endpointsById.get(id) : undefined}
              id={id}
              sentTo={info.row.original.lastTarget}
            />
          );
        },
      }),
      column.accessor("attemptCount", {
        header: "Attempts",
        cell: (info) => <span className="tabular-nums text-slate-700">{info.getValue()}</span>,
      }),
      column.accessor("lastResponseStatus", {
        header: "Response",
        cell: ({ row }) => <ResponseCell delivery={row.original} />,
      }),
      column.accessor("createdAt", {
        header: "Created",
        cell: (info) => <RelativeTime value={info.getValue()} className="text-slate-500" />,
      }),
    ],
    [endpointsById],
  );

  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => row.id,
  });
  const open = (deliveryId: string | null) => update({ delivery: deliveryId });

  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between gap-4">
        <p className="flex items-center gap-2 text-sm text-slate-500">
          <span
            className={cn(
              "h-2 w-2 rounded-full",
              live && !deliveries.isError ? "animate-pulse bg-emerald-500" : "bg-slate-300",
            )}
            aria-hidden
          />
          {live ? "Live: refreshes every 2 seconds" : "Live refresh paused while paging deep"}
        </p>
        <RecoverDialog
          appId={appId}
          endpoints={endpoints.data?.data ?? []}
          defaultEndpointId={filters.endpointId}
        />
      </div>
      <Card className="overflow-hidden">
        <FiltersBar filters={filters} update={update} endpoints={endpoints.data?.data ?? []} />
        {deliveries.isError && deliveries.data && !loadError ? (
          <div className="border-b border-slate-100 px-4 py-2">
            <RefreshFailed error={deliveries.error} />
          </div>
        ) : null}
        {loadError ? (
          <div className="pb-8">
            <ErrorState
              error={loadError}
              retry={() => void deliveries.refetch()}
              className="pb-4"
            />
            <p
              role="status"
              data-testid="deliveries-retrying"
              className="text-center text-xs text-slate-500"
            >
              Retrying every few seconds: the log appears as soon as it loads.
            </p>
          </div>
        ) : !deliveries.data ? (
          <SkeletonRows rows={8} />
        ) : rows.length === 0 ? (
          <EmptyState
            icon={Inbox}
            title={
              Object.keys(filters).length
                ? "No deliveries match these filters"
                : "No deliveries yet"
            }
            description={
              filters.channel
                ? `The channel filter matches whole channel names only ("${filters.channel}" does not find ${filters.channel}-1). Try the full name, a wider time range, or clear the filters.`
                : Object.keys(filters).length
                  ? "Try a wider time range or clear the filters."
                  : "Deliveries appear here as soon as events arrive for an endpoint. Use Send test event on an endpoint to try it."
            }
          />
        ) : (
          <>
            <ScrollTable label="Deliveries">
              <thead>
                {table.getHeaderGroups().map((group) => (
                  <tr
                    key={group.id}
                    className="border-b border-slate-100 bg-slate-50/60 text-left text-xs font-medium tracking-wide text-slate-500 uppercase"
                  >
                    {group.headers.map((header) => (
                      <th key={header.id} className="px-4 py-2.5 font-medium">
                        {flexRender(header.column.columnDef.header, header.getContext())}
                      </th>
                    ))}
                  </tr>
                ))}
              </thead>
              <tbody className="divide-y divide-slate-100">
                {table.getRowModel().rows.map((row) => (
                  <tr
                    key={row.id}
                    tabIndex={0}
                    data-clickable="true"
                    data-testid="delivery-row"
                    data-delivery-id={row.original.id}
                    data-status={row.original.status}
                    aria-label={`Delivery ${row.original.id}, ${row.original.status}`}
                    onClick={() => open(row.original.id)}
                    onKeyDown={(event) => {
                      if (event.key === "Enter" || event.key === " ") {
                        event.preventDefault();
                        open(row.original.id);
                      }
                    }}
                    className={cn(
                      "cursor-pointer hover:bg-slate-50",
                      selectedDelivery === row.original.id && "bg-indigo-50/60",
                    )}
                  >
                    {row.getVisibleCells().map((cell) => (
                      <td key={cell.id} className="px-4 py-2.5 align-middle">
                        {flexRender(cell.column.columnDef.cell, cell.getContext())}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </ScrollTable>
            <LoadMoreFooter shown={rows.length} pages={deliveries}>
              {!live ? (
                <Button size="sm" variant="ghost" onClick={() => void deliveries.refetch()}>
                  <RotateCcw className="h-3.5 w-3.5" aria-hidden /> Refresh
                </Button>
              ) : null}
            </LoadMoreFooter>
          </>
        )}
      </Card>
      <DeliveryDrawer
        appId={appId}
        deliveryId={selectedDelivery}
        endpointsById={endpointsById}
        onClose={() => open(null)}
      />
    </div>
  );
}

function EventsCell({ delivery }: { delivery: Delivery }) {
  const names = [...new Set(delivery.eventNames)];
  const channels = [...new Set(delivery.channels)];
  return (
    <div className="min-w-0">
      <div className="flex items-center gap-1.5">
        <span className="font-mono text-xs font-medium text-slate-900">{names[0] ?? "—"}</span>
        {names.length > 1 ? (
          <span className="text-xs text-slate-500">+{names.length - 1}</span>
        ) : null}
        {delivery.eventIds.length > 1 ? (
          <span className="rounded bg-slate-100 px-1.5 text-[10px] font-medium text-slate-600">
            {delivery.eventIds.length} events
          </span>
        ) : null}
        {delivery.test ? (
          <span
            className="rounded bg-sky-50 px-1.5 text-[10px] font-medium text-sky-700"
            title="Sent by the endpoint's Test button; Recover skips it"
          >
            test
          </span>
        ) : null}
      </div>
      <div className="max-w-56 truncate font-mono text-[11px] text-slate-500">
        {channels.slice(0, 2).join(", ")}
        {channels.length > 2 ? ` +${channels.length - 2}` : ""}
      </div>
    </div>
  );
}

/**
 * The last status code and, for a delivery that stopped, why (in full on hover and in the drawer).
 */
function ResponseCell({ delivery }: { delivery: Delivery }) {
  const stopped = delivery.status === "failed" || delivery.status === "cancelled";
  const error = delivery.status === "succeeded" ? null : delivery.lastError;
  return (
    <span
      className="flex max-w-56 items-center gap-1.5"
      title={error ?? undefined}
      data-testid="delivery-response"
    >
      {delivery.lastResponseStatus != null || !error ? (
        <HttpStatus status={delivery.lastResponseStatus} />
      ) : null}
      {error && (stopped || delivery.lastResponseStatus == null) ? (
        <span className="truncate text-xs text-red-700">{error}</span>
      ) : null}
    </span>
  );
}

function EndpointCell({
  endpoint,
  id,
  sentTo,
}: {
  endpoint: Endpoint | undefined;
  id: string | null;
  sentTo: string | null;
}) {
  if (!id) return <span className="text-xs text-slate-400 italic">Deleted endpoint</span>;
  // Where the last attempt went, as recorded then: the endpoint's URL may have changed since.
  const current = endpoint ? endpointTarget(endpoint) : null;
  const moved = sentTo !== null && current !== null && sentTo !== current;
  // Cut in the middle: endpoints on one host differ at the end of their path.
  return (
    <span
      className="block max-w-56 truncate font-mono text-xs text-slate-600"
      title={moved ? `Sent to ${sentTo}; the endpoint now sends to ${current}` : (current ?? id)}
      data-testid="delivery-target"
    >
      {sentTo !== null
        ? shortenTarget(sentTo, 30)
        : endpoint
          ? shortTarget(endpoint, 30)
          : id.slice(-8)}
    </span>
  );
}
