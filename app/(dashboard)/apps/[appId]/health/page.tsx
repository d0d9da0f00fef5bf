import { Suspense } from "react";
import { EndpointHealth } from "@/components/health/endpoint-health";
import { SkeletonRows } from "@/components/ui/skeleton";

export default async function HealthPage({ params }: { params: Promise<{ appId: string }> }) {
  const { appId } = await params;
  return (
    <Suspense fallback={<SkeletonRows rows={4} />}>
      <EndpointHealth appId={decodeURIComponent(appId)} />
    </Suspense>
  );
}
