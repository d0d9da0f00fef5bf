import { EndpointHealth } from "@/components/health/endpoint-health";

export default async function HealthPage({ params }: { params: Promise<{ appId: string }> }) {
  const { appId } = await params;
  return <EndpointHealth appId={decodeURIComponent(appId)} />;
}
