"use client";

import { useReadiness } from "@/lib/client/observability";
import { Banner } from "@/components/ui/states";

/** On every dashboard page while readiness is degraded: what is wrong, in the operator's words. */
export function BacklogBanner() {
  const readiness = useReadiness();
  const report = readiness.data;
  if (!report || report.status === "ok") return null;
  const [first, ...rest] = report.problems;
  return (
    <div className="mb-6" data-testid="backlog-banner">
      <Banner tone="red" title={first ?? "Herald is degraded"}>
        {rest.length > 0 ? rest.join(". ") : null}
        {report.workers && report.workers.live === 0 ? (
          <p>
            Start one with <code className="font-mono">npm run worker</code>; deliveries resume
            where they stopped.
          </p>
        ) : null}
      </Banner>
    </div>
  );
}
