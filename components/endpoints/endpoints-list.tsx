"use client";

import { ChevronRight, Cloud, Globe, Plus, Webhook } from "lucide-react";
import Link from "next/link";
import { useEndpoints } from "@/lib/client/endpoints";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { EndpointStatus } from "./endpoint-status";
import { endpointTarget } from "@/lib/endpoint-target";

export function EndpointsList({ appId }: { appId: string }) {
  const endpoints = useEndpoints(appId);
  const base = `/apps/${encodeURIComponent(appId)}/endpoints`;
  const addButton = (
    <Button variant="primary" asChild>
      <Link href={`${base}/new`}>
        <Plus className="h-4 w-4" aria-hidden /> Add endpoint
      </Link>
    </Button>
  );

  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <p className="text-sm text-slate-500">
          Webhooks: add your endpoint URL, select which event types to send, save.
        </p>
        {endpoints.data?.data.length ? addButton : null}
      </div>
      <Card>
        {endpoints.isPending ? (
          <SkeletonRows rows={3} />
        ) : endpoints.isError ? (
          <ErrorState error={endpoints.error} retry={() => void endpoints.refetch()} />
        ) : endpoints.data.data.length === 0 ? (
          <EmptyState
            icon={Webhook}
            title="No endpoints yet"
            description="Add an endpoint to start receiving this app's events."
            action={addButton}
          />
        ) : (
          <ul className="divide-y divide-slate-100">
            {endpoints.data.data.map((endpoint) => (
              <li key={endpoint.id}>
                <Link
                  href={`${base}/${endpoint.id}`}
                  className="group flex items-center gap-4 px-5 py-4 hover:bg-slate-50/80"
                  data-testid="endpoint-row"
                >
                  <div className="flex h-9 w-9 shrink-0 items-center justify-center rounded-lg bg-slate-100 text-slate-500">
                    {endpoint.lambda ? (
                      <Cloud className="h-4 w-4" aria-hidden />
                    ) : (
                      <Globe className="h-4 w-4" aria-hidden />
                    )}
                  </div>
                  <div className="min-w-0 flex-1">
                    <div className="flex items-center gap-2">
                      <span className="truncate font-mono text-sm text-slate-900 group-hover:text-indigo-700">
                        {endpointTarget(endpoint)}
                      </span>
                      <EndpointStatus endpoint={endpoint} />
                    </div>
                    <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-500">
                      {endpoint.description ? <span>{endpoint.description}</span> : null}
                      <span>
                        {endpoint.eventTypes.slice(0, 3).join(", ")}
                        {endpoint.eventTypes.length > 3
                          ? ` +${endpoint.eventTypes.length - 3} more`
                          : ""}
                      </span>
                      <span>
                        added <RelativeTime value={endpoint.createdAt} />
                      </span>
                    </div>
                  </div>
                  <ChevronRight className="h-4 w-4 text-slate-300" aria-hidden />
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
