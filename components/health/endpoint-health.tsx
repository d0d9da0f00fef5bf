"use client";

import { Activity } from "lucide-react";
import Link from "next/link";
import { useEndpointStats, useEndpoints } from "@/lib/client/endpoints";
import { useUrlFilters } from "@/lib/client/use-url-filters";
import type { Endpoint } from "@/lib/client/types";
import { HttpStatus } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton, SkeletonRows } from "@/components/ui/skeleton";
import { Banner, EmptyState, ErrorState } from "@/components/ui/states";
import { EndpointPicker } from "@/components/endpoints/endpoint-picker";
import { EndpointStatus, isAutoDisabled } from "@/components/endpoints/endpoint-status";
import { LatencyChart, SuccessRateChart } from "./health-charts";

const WINDOWS = [
  { value: "1h", label: "Last hour" },
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
  { value: "30d", label: "Last 30 days" },
];

const HEALTH_PARAMS = ["endpointId", "window"] as const;

export function EndpointHealth({ appId }: { appId: string }) {
  const endpoints = useEndpoints(appId);
  // Kept in the URL, as the delivery log's filters are: a reload or a shared link shows the same.
  // Two choices in quick succession must both land: useUrlFilters builds each on the last.
  const { filters, update: choose } = useUrlFilters(HEALTH_PARAMS);
  const endpointId = filters.endpointId ?? "";
  const window = WINDOWS.some((option) => option.value === filters.window)
    ? filters.window!
    : "24h";

  if (endpoints.isPending) return <SkeletonRows rows={4} />;
  if (endpoints.isError)
    return <ErrorState error={endpoints.error} retry={() => void endpoints.refetch()} />;
  if (endpoints.data.data.length === 0) {
    return (
      <Card>
        <EmptyState
          icon={Activity}
          title="No endpoints to watch yet"
          description="Health shows each endpoint's success rate and latency once it has deliveries."
          action={
            <Button variant="primary" asChild>
              <Link href={`/apps/${encodeURIComponent(appId)}/endpoints/new`}>Add endpoint</Link>
            </Button>
          }
        />
      </Card>
    );
  }
  const selected =
    endpoints.data.data.find((endpoint) => endpoint.id === endpointId) ?? endpoints.data.data[0]!;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end gap-4">
        <Field label="Endpoint" htmlFor="health-endpoint" className="max-w-full">
          <EndpointPicker
            id="health-endpoint"
            endpoints={endpoints.data.data}
            value={selected.id}
            onChange={(id) => choose({ endpointId: id })}
          />
        </Field>
        <Field label="Window" htmlFor="health-window" className="w-44">
          <Select
            id="health-window"
            value={window}
            onChange={(event) => choose({ window: event.target.value })}
          >
            {WINDOWS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <HealthPanel endpoint={selected} window={window} />
    </div>
  );
}

function HealthPanel({ endpoint, window }: { endpoint: Endpoint; window: string }) {
  const stats = useEndpointStats(endpoint.appId, endpoint.id, window);
  const deliveriesPath = `/apps/${encodeURIComponent(endpoint.appId)}/deliveries`;

  return (
    <div className="space-y-6">
      {!endpoint.enabled ? (
        <Banner
          tone={isAutoDisabled(endpoint) ? "red" : "amber"}
          title={isAutoDisabled(endpoint) ? "Disabled automatically" : "Disabled"}
        >
          {endpoint.disabledReason ?? "This endpoint is disabled; no deliveries are sent."}
        </Banner>
      ) : null}
      {stats.isError ? (
        <Card>
          <ErrorState error={stats.error} retry={() => void stats.refetch()} />
        </Card>
      ) : (
        <>
          <div className="grid grid-cols-2 gap-4 lg:grid-cols-5">
            <Kpi label="State" value={<EndpointStatus endpoint={endpoint} />} />
            <Kpi
              label="Deliveries succeeded"
              testId="kpi-success-rate"
              loading={stats.isPending}
              value={
                stats.data?.successRate == null
                  ? "—"
                  : `${(stats.data.successRate * 100).toFixed(1)}%`
              }
            />
            <Kpi
              label="p50 latency"
              loading={stats.isPending}
              value={ms(stats.data?.latencyMs.p50)}
            />
            <Kpi
              label="p95 latency"
              loading={stats.isPending}
              value={ms(stats.data?.latencyMs.p95)}
            />
            <Kpi
              label="p99 latency"
              loading={stats.isPending}
              value={ms(stats.data?.latencyMs.p99)}
            />
          </div>
          <div className="grid gap-6 lg:grid-cols-2">
            <Card>
              <CardHeader
                title="Attempt success rate"
                description={
                  stats.data
                    ? `${stats.data.attempts.total.toLocaleString()} attempts for ${stats.data.deliveries.total.toLocaleString()} deliveries in this window`
                    : "Successful attempts per interval"
                }
              />
              <CardBody data-testid="success-rate-chart">
                {stats.isPending ? (
                  <Skeleton className="h-[220px]" />
                ) : (
                  <SuccessRateChart
                    buckets={stats.data.buckets}
                    bucketSeconds={stats.data.bucketSeconds}
                  />
                )}
              </CardBody>
            </Card>
            <Card>
              <CardHeader title="Latency" description="p50, p95 and p99 of attempt durations" />
              <CardBody data-testid="latency-chart">
                {stats.isPending ? (
                  <Skeleton className="h-[220px]" />
                ) : (
                  <LatencyChart
                    buckets={stats.data.buckets}
                    bucketSeconds={stats.data.bucketSeconds}
                  />
                )}
              </CardBody>
            </Card>
          </div>
          <Card>
            <CardHeader
              title="Recent failures"
              description="The latest failed attempts in this window."
            />
            {stats.isPending ? (
              <SkeletonRows rows={3} />
            ) : stats.data.recentFailures.length === 0 ? (
              <p className="px-5 py-6 text-sm text-slate-500">No failed attempts in this window.</p>
            ) : (
              <ul className="divide-y divide-slate-100" data-testid="recent-failures">
                {stats.data.recentFailures.map((failure) => (
                  <li key={failure.attemptId}>
                    <Link
                      href={`${deliveriesPath}?delivery=${failure.deliveryId}`}
                      className="flex items-center gap-4 px-5 py-2.5 text-sm hover:bg-slate-50"
                    >
                      <HttpStatus status={failure.responseStatus} />
                      <span className="min-w-0 flex-1 truncate text-slate-700">
                        {failure.error ?? `The receiver answered HTTP ${failure.responseStatus}`}
                      </span>
                      <span className="font-mono text-xs text-slate-400">
                        {failure.deliveryId.slice(-8)} · attempt {failure.number}
                      </span>
                      <RelativeTime value={failure.startedAt} className="text-xs text-slate-500" />
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </>
      )}
    </div>
  );
}

const ms = (value: number | null | undefined) => (value == null ? "—" : `${Math.round(value)} ms`);

function Kpi({
  label,
  value,
  loading,
  testId,
}: {
  label: string;
  value: React.ReactNode;
  loading?: boolean;
  testId?: string;
}) {
  return (
    <Card className="px-4 py-3.5">
      <div className="text-xs font-medium text-slate-500">{label}</div>
      <div className="mt-1 text-xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {loading ? <Skeleton className="mt-1 h-6 w-16" /> : value}
      </div>
    </Card>
  );
}
