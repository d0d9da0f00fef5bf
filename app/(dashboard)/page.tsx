import { Suspense } from "react";
import { AppsList } from "@/components/apps/apps-list";
import { SkeletonRows } from "@/components/ui/skeleton";

export const metadata = { title: "Apps" };

export default function AppsPage() {
  return (
    <Suspense fallback={<SkeletonRows rows={4} />}>
      <AppsList />
    </Suspense>
  );
}
