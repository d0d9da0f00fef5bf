import { Suspense } from "react";
import { EventsLog } from "@/components/events/events-log";
import { SkeletonRows } from "@/components/ui/skeleton";

export default async function EventsPage({ params }: { params: Promise<{ appId: string }> }) {
  const { appId } = await params;
  return (
    <Suspense fallback={<SkeletonRows rows={8} />}>
      <EventsLog appId={decodeURIComponent(appId)} />
    </Suspense>
  );
}
