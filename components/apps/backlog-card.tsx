"use client";

import { Cpu, Hourglass } from "lucide-react";
import { useAppBacklog } from "@/lib/client/observability";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";

const formatAge = (seconds: number) =>
  seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;

/** The app's waiting work and the deployment's workers, refreshed every few seconds. */
export function BacklogCards({ appId }: { appId: string }) {
  const backlog = useAppBacklog(appId);
  const data = backlog.data;
  const waiting = data ? data.deliveriesDue + data.eventsWaiting : 0;
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2" data-testid="backlog-cards">
      <Card className="px-4 py-3.5">
        <div className="flex items-center gap-2 text-xs font-medium text-slate-500">
          <Hourglass className="h-3.5 w-3.5" aria-hidden /> Backlog
        </div>
        <div className="mt-1 text-xl font-semibold tabular-nums text-slate-900">
          {!data ? (
            <Skeleton className="mt-1 h-6 w-16" />
          ) : waiting === 0 ? (
            "Nothing waiting"
          ) : (
            `${waiting.toLocaleString()} waiting`
          )}
        </div>
        {data && waiting > 0 ? (
          <p className="mt-0.5 text-xs text-slate-500">
            {data.deliveriesDue.toLocaleString()} deliveries due,{" "}
            {data.eventsWaiting.toLocaleString()} events to route; oldest{" "}
            {formatAge(data.oldestDueAgeSeconds)}
          </p>
        ) : null}
      </Card>
      <Card className="px-4 py-3.5">
        <div className="flex items-center gap-2 text-xs font-medium text-slate-500">
          <Cpu className="h-3.5 w-3.5" aria-hidden /> Workers
        </div>
        <div className="mt-1 text-xl font-semibold tabular-nums text-slate-900">
          {!data ? <Skeleton className="mt-1 h-6 w-16" /> : `${data.workers.live} running`}
        </div>
        {data ? (
          <p className="mt-0.5 text-xs text-slate-500">
            Last heartbeat <RelativeTime value={data.workers.lastSeenAt} />
          </p>
        ) : null}
      </Card>
    </div>
  );
}
