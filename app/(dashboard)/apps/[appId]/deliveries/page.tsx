import { Suspense } from "react";
import { DeliveriesLog } from "@/components/deliveries/deliveries-log";
import { SkeletonRows } from "@/components/ui/skeleton";

export default async function DeliveriesPage({ params }: { params: Promise<{ appId: string }> }) {
  const { appId } = await params;
  return (
    <Suspense fallback={<SkeletonRows rows={8} />}>
      <DeliveriesLog appId={decodeURIComponent(appId)} />
    </Suspense>
  );
}
