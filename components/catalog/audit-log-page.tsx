"use client";

import { ScrollText } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useApps } from "@/lib/client/apps";
import { orderedChanges, summarizeChanges } from "@/lib/client/audit-format";
import { useAuditLog } from "@/lib/client/catalog";
import { useEndpointNames } from "@/lib/client/endpoints";
import type { AuditEntry } from "@/lib/client/types";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Select } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/ui/states";

const toneOf = (action: string): BadgeTone =>
  /deleted|revoked|disabled/.test(action)
    ? "red"
    : /created/.test(action)
      ? "green"
      : /rotated/.test(action)
        ? "amber"
        : "slate";

export function AuditLogPage() {
  const [appId, setAppId] = useState("");
  const apps = useApps();
  const log = useAuditLog(appId ? { appId } : {});
  const entries = log.data?.pages.flatMap((page) => page.data) ?? [];
  const endpointName = useEndpointNames(entries.map((entry) => entry.appId));

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every configuration change: who made it, when, and what changed (secrets masked)."
        actions={
          <Select
            aria-label="Filter by app"
            value={appId}
            onChange={(event) => setAppId(event.target.value)}
            className="w-56"
          >
            <option value="">All apps</option>
            {(apps.data?.data ?? []).map((app) => (
              <option key={app.id} value={app.id}>
                {app.name} ({app.id})
              </option>
            ))}
          </Select>
        }
      />
      <Card>
        {log.isPending ? (
          <SkeletonRows rows={8} />
        ) : log.isError ? (
          <ErrorState error={log.error} retry={() => void log.refetch()} />
        ) : entries.length === 0 ? (
          <EmptyState
            icon={ScrollText}
            title="Nothing changed yet"
            description="Changes to apps, endpoints, event types and tokens are recorded here."
          />
        ) : (
          <>
            <ul className="divide-y divide-slate-100">
              {entries.map((entry) => (
                <AuditRow key={entry.id} entry={entry} endpointName={endpointName} />
              ))}
            </ul>
            {log.hasNextPage ? (
              <div className="border-t border-slate-100 px-5 py-3 text-center">
                <Button
                  size="sm"
                  loading={log.isFetchingNextPage}
                  onClick={() => void log.fetchNextPage()}
                >
                  Load more
                </Button>
              </div>
            ) : null}
          </>
        )}
      </Card>
    </>
  );
}

function AuditRow({
  entry,
  endpointName,
}: {
  entry: AuditEntry;
  endpointName: (id: string) => string | undefined;
}) {
  const resource = entry.resourceType === "endpoint" ? endpointName(entry.resourceId) : undefined;
  const changes = entry.changes && Object.keys(entry.changes).length ? entry.changes : null;
  return (
    <li
      className="flex flex-col gap-1 overflow-hidden px-5 py-3 sm:flex-row sm:gap-4"
      data-testid="audit-entry"
    >
      <div className="shrink-0 pt-0.5 text-xs text-slate-500 sm:w-36">
        <RelativeTime value={entry.createdAt} />
      </div>
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <Badge tone={toneOf(entry.action)}>{entry.action}</Badge>
          <span
            className="min-w-0 font-mono text-xs break-all text-slate-600"
            title={`${entry.resourceType}/${entry.resourceId}`}
          >
            {entry.resourceType}/{resource ?? entry.resourceId}
          </span>
          {entry.appId ? (
            <Link
              href={`/apps/${encodeURIComponent(entry.appId)}`}
              className="min-w-0 font-mono text-xs break-all text-indigo-600 hover:underline"
            >
              app {entry.appId}
            </Link>
          ) : null}
        </div>
        {changes ? (
          <details className="group mt-1">
            <summary className="cursor-pointer list-none truncate font-mono text-[11px] text-slate-500 hover:text-slate-700">
              {summarizeChanges(changes, endpointName)}
            </summary>
            <pre className="mt-1.5 max-h-56 overflow-auto rounded-md bg-slate-50 px-3 py-2 font-mono text-[11px] text-slate-600 ring-1 ring-slate-100">
              {JSON.stringify(orderedChanges(changes), null, 2)}
            </pre>
          </details>
        ) : null}
      </div>
      <div
        className="min-w-0 shrink-0 truncate font-mono text-xs text-slate-500 sm:w-44 sm:text-right"
        title={entry.actor}
      >
        {entry.actor}
      </div>
    </li>
  );
}
