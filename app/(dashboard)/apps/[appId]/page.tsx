import { AppOverviewPanel } from "@/components/apps/app-overview";

export default async function AppOverviewPage({ params }: { params: Promise<{ appId: string }> }) {
  const { appId } = await params;
  return <AppOverviewPanel appId={decodeURIComponent(appId)} />;
}
