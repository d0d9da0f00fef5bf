"use client";

import { RotateCw } from "lucide-react";
import Link from "next/link";
import { toast } from "sonner";
import { errorMessage } from "@/lib/client/api";
import { useDelivery, useRedeliver } from "@/lib/client/deliveries";
import { stopReason } from "@/lib/client/delivery-state";
import { useLoadError } from "@/lib/client/use-load-error";
import type { Delivery, Endpoint } from "@/lib/client/types";
import { StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { RelativeTime, absoluteTime } from "@/components/ui/relative-time";
import { SkeletonRows } from "@/components/ui/skeleton";
import { Banner, ErrorState, RefreshFailed } from "@/components/ui/states";
import { endpointTarget } from "@/lib/endpoint-target";
import { AttemptTimeline } from "./attempt-timeline";

export function DeliveryDrawer({
  appId,
  deliveryId,
  endpointsById,
  onClose,
}: {
  appId: string;
  deliveryId: string | null;
  endpointsById: Map<string, Endpoint>;
  onClose: () => void;
}) {
  const delivery = useDelivery(appId, deliveryId);
  const loadError = useLoadError(delivery, deliveryId ?? "");
  return (
    <Dialog open={Boolean(deliveryId)} onOpenChange={(open) => (open ? undefined : onClose())}>
      {deliveryId ? (
        <DialogContent
          side="right"
          title="Delivery"
          description={<span className="font-mono text-xs">{deliveryId}</span>}
          // Opened from a row of the log, not a trigger: give focus back to that row.
          onCloseAutoFocus={(event) => {
            const row = document.querySelector<HTMLElement>(`[data-delivery-id="${deliveryId}"]`);
            if (!row) return;
            event.preventDefault();
            row.focus();
          }}
        >
          {delivery.data ? (
            // A failed background refresh keeps the detail (and its Redeliver button) on screen.
            <div className="space-y-3">
              {delivery.isError ? <RefreshFailed error={delivery.error} /> : null}
              <DeliveryDetail
                appId={appId}
                delivery={delivery.data}
                endpoint={
                  delivery.data.endpointId ? endpointsById.get(delivery.data.endpointId) : undefined
                }
              />
            </div>
          ) : loadError ? (
            <ErrorState error={loadError} retry={() => void delivery.refetch()} />
          ) : (
            <SkeletonRows rows={6} />
          )}
        </DialogContent>
      ) : null}
    </Dialog>
  );
}

function DeliveryDetail({
  appId,
  delivery,
  endpoint,
}: {
  appId: string;
  delivery: Delivery;
  endpoint: Endpoint | undefined;
}) {
  const redeliver = useRedeliver(appId);
  const events = parseEvents(delivery.body);
  const finished =
    delivery.status === "succeeded" ||
    delivery.status === "failed" ||
    delivery.status === "cancelled";
  // The API refuses both (409); say so before the click.
  const blocked = !delivery.endpointId
    ? "Its endpoint was deleted"
    : endpoint?.enabled === false
      ? "Enable the endpoint to redeliver"
      : null;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <dl className="grid grid-cols-2 gap-x-8 gap-y-2 text-sm">
          <dt className="text-slate-500">Status</dt>
          <dd data-testid="delivery-status">
            <StatusBadge status={delivery.status} />
          </dd>
          <dt className="text-slate-500">Endpoint</dt>
          <dd className="max-w-72 truncate font-mono text-xs">
            {endpoint ? (
              <Link
                className="text-indigo-700 hover:underline"
                href={`/apps/${encodeURIComponent(appId)}/endpoints/${endpoint.id}`}
              >
                {endpointTarget(endpoint)}
              </Link>
            ) : (
              (delivery.endpointId ?? (
                <span className="font-sans text-slate-400 italic">Deleted endpoint</span>
              ))
            )}
          </dd>
          <dt className="text-slate-500">Created</dt>
          <dd>
            <RelativeTime value={delivery.createdAt} />
          </dd>
          <dt className="text-slate-500">Attempts</dt>
          <dd className="tabular-nums">{delivery.attemptCount}</dd>
          {delivery.nextAttemptAt && !finished ? (
            <>
              <dt className="text-slate-500">Next attempt</dt>
              <dd>
                <RelativeTime value={delivery.nextAttemptAt} future />
              </dd>
            </>
          ) : null}
        </dl>
        <div className="flex max-w-56 flex-col items-end gap-1.5">
          <Button
            variant="primary"
            loading={redeliver.isPending}
            disabled={Boolean(blocked)}
            title={blocked ?? undefined}
            aria-describedby={blocked ? "redeliver-blocked" : undefined}
            onClick={async () => {
              try {
                await redeliver.mutateAsync(delivery.id);
                toast.success("Redelivery queued: the new attempt appears below");
              } catch (error) {
                toast.error(errorMessage(error));
              }
            }}
          >
            <RotateCw className="h-4 w-4" aria-hidden /> Redeliver
          </Button>
          {blocked ? (
            <p id="redeliver-blocked" className="text-right text-xs text-slate-500">
              {blocked}
            </p>
          ) : null}
          {endpoint?.ordering === "channel" ? (
            <p data-testid="redeliver-order-note" className="text-right text-xs text-slate-500">
              Outside the order per channel: a redelivery (or Recover) goes at once, without waiting
              for the channel&apos;s other deliveries.
            </p>
          ) : null}
        </div>
      </div>

      <StopReason delivery={delivery} />

      <section>
        <h3 className="mb-2 text-sm font-semibold text-slate-900">
          Events in this delivery ({events.length || delivery.eventIds.length})
        </h3>
        {events.length ? (
          <div className="overflow-hidden rounded-lg border border-slate-200">
            <table className="w-full text-xs">
              <thead className="bg-slate-50 text-left text-slate-500">
                <tr>
                  <th className="px-3 py-2 font-medium">Name</th>
                  <th className="px-3 py-2 font-medium">Channel</th>
                  <th className="px-3 py-2 font-medium">Details</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {events.map((event, index) => (
                  <tr key={index} data-testid="delivery-event">
                    <td className="px-3 py-2 font-mono font-medium text-slate-900">
                      {String(event.name ?? "")}
                    </td>
                    <td className="px-3 py-2 font-mono text-slate-700">
                      {String(event.channel ?? "")}
                    </td>
                    <td
                      className="max-w-80 truncate px-3 py-2 font-mono text-slate-500"
                      title={detailText(event)}
                    >
                      {detailText(event)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="font-mono text-xs text-slate-500">{delivery.eventIds.join(", ")}</p>
        )}
      </section>

      <section>
        <div className="mb-2 flex items-center justify-between">
          <h3 className="text-sm font-semibold text-slate-900">Request body</h3>
          {delivery.body ? <CopyButton value={delivery.body} label="Copy request body" /> : null}
        </div>
        <pre className="max-h-64 overflow-auto rounded-lg bg-slate-900 px-4 py-3 font-mono text-xs leading-relaxed text-slate-100">
          {pretty(delivery.body)}
        </pre>
      </section>

      <section>
        <h3 className="mb-3 text-sm font-semibold text-slate-900">Attempts</h3>
        <AttemptTimeline attempts={delivery.attempts ?? []} pending={!finished} />
      </section>
      <p className="text-xs text-slate-400">Created {absoluteTime(delivery.createdAt)}</p>
    </div>
  );
}

/** Why the delivery stopped (or is being retried): the status code alone does not say. */
function StopReason({ delivery }: { delivery: Delivery }) {
  const reason = stopReason(delivery);
  if (!reason) return null;
  return (
    <div data-testid="delivery-last-error">
      <Banner tone={reason.tone} title={reason.title}>
        <span className="font-mono text-xs break-words">{reason.text}</span>
      </Banner>
    </div>
  );
}

type WireEvent = Record<string, unknown>;

function parseEvents(body: string | undefined): WireEvent[] {
  if (!body) return [];
  try {
    const parsed = JSON.parse(body) as { events?: WireEvent[] };
    return Array.isArray(parsed.events) ? parsed.events : [];
  } catch {
    return [];
  }
}

function detailText(event: WireEvent): string {
  const { name: _name, channel: _channel, ...rest } = event;
  return Object.entries(rest)
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join("  ");
}

function pretty(body: string | undefined): string {
  if (!body) return "(not available)";
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
