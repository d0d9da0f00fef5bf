"use client";

import { Boxes, ChevronRight, Plus } from "lucide-react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect } from "react";
import { useApps, useOverview } from "@/lib/client/apps";
import type { AppOverview } from "@/lib/client/types";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ScrollTable, TableHeader } from "@/components/ui/table";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { CreateAppDialog } from "./create-app-dialog";

export function AppsList() {
  const apps = useApps();
  const overview = useOverview();
  const searchParams = useSearchParams();
  const router = useRouter();
  const askedToCreate = searchParams?.get("create") === "1";
  // ?create=1 (the app switcher's "New app") opens the dialog once; a reload must not open it
  // again.
  useEffect(() => {
    if (askedToCreate) router.replace("/", { scroll: false });
  }, [askedToCreate, router]);
  const countsByApp = new Map((overview.data?.data ?? []).map((row) => [row.appId, row]));
  const createButton = (
    <Button variant="primary">
      <Plus className="h-4 w-4" aria-hidden /> New app
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Apps"
        description="Each app is one realtime application whose events Herald delivers to your endpoints."
        actions={<CreateAppDialog trigger={createButton} openWhen={askedToCreate} />}
      />
      <Card>
        {apps.isPending ? (
          <SkeletonRows rows={4} />
        ) : apps.isError ? (
          <ErrorState error={apps.error} retry={() => void apps.refetch()} />
        ) : apps.data.data.length === 0 ? (
          <EmptyState
            icon={Boxes}
            title="No apps yet"
            description="Create an app for your Pusher-compatible realtime server, then point its webhook URL at Herald."
            action={
              <CreateAppDialog
                trigger={
                  <Button variant="primary">
                    <Plus className="h-4 w-4" aria-hidden /> Create your first app
                  </Button>
                }
              />
            }
          />
        ) : (
          <ScrollTable>
            <TableHeader>
              <th className="px-5 py-3 font-medium">App</th>
              <th className="px-5 py-3 text-right font-medium">Endpoints</th>
              <th className="px-5 py-3 text-right font-medium">Deliveries today</th>
              <th className="px-5 py-3 text-right font-medium">Failure rate</th>
              <th className="px-5 py-3 font-medium">Created</th>
              <th className="w-10" />
            </TableHeader>
            <tbody className="divide-y divide-slate-100">
              {apps.data.data.map((app) => {
                const counts = countsByApp.get(app.id);
                return (
                  <tr
                    key={app.id}
                    className="group hover:bg-slate-50/80"
                    data-testid={`app-row-${app.id}`}
                  >
                    <td className="px-5 py-3.5">
                      <Link
                        href={`/apps/${encodeURIComponent(app.id)}`}
                        className="font-medium text-slate-900 group-hover:text-indigo-700"
                      >
                        {app.name}
                      </Link>
                      <div className="mt-0.5 flex items-center gap-2">
                        <span className="font-mono text-xs text-slate-500">{app.id}</span>
                        {app.enabled ? null : <Badge tone="amber">disabled</Badge>}
                      </div>
                    </td>
                    <td className="px-5 py-3.5 text-right tabular-nums" data-testid="app-endpoints">
                      <Count value={counts?.endpoints} loading={overview.isPending} />
                    </td>
                    <td
                      className="px-5 py-3.5 text-right tabular-nums"
                      data-testid="app-deliveries-today"
                    >
                      <Count value={counts?.deliveriesToday} loading={overview.isPending} />
                    </td>
                    <td className="px-5 py-3.5 text-right" data-testid="app-failure-rate">
                      <FailureRate counts={counts} loading={overview.isPending} />
                    </td>
                    <td className="px-5 py-3.5 text-slate-500">
                      <RelativeTime value={app.createdAt} />
                    </td>
                    <td className="pr-4 text-slate-300">
                      <ChevronRight className="h-4 w-4" aria-hidden />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </ScrollTable>
        )}
      </Card>
    </>
  );
}

function Count({ value, loading }: { value: number | undefined; loading: boolean }) {
  if (loading) return <span className="inline-block h-3 w-8 animate-pulse rounded bg-slate-200" />;
  return (
    <span className="text-slate-700">{value === undefined ? "—" : value.toLocaleString()}</span>
  );
}

function FailureRate({ counts, loading }: { counts: AppOverview | undefined; loading: boolean }) {
  if (loading) return <span className="inline-block h-3 w-10 animate-pulse rounded bg-slate-200" />;
  if (!counts || counts.failureRate === null) return <span className="text-slate-400">—</span>;
  const percent = counts.failureRate * 100;
  const tone = percent === 0 ? "green" : percent < 5 ? "amber" : "red";
  return (
    <Badge tone={tone}>
      {percent === 0 ? "0" : percent < 10 ? percent.toFixed(1) : Math.round(percent)}%
    </Badge>
  );
}
