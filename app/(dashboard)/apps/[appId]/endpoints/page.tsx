import { EndpointsList } from "@/components/endpoints/endpoints-list";

export default async function EndpointsPage({ params }: { params: Promise<{ appId: string }> }) {
  const { appId } = await params;
  return <EndpointsList appId={decodeURIComponent(appId)} />;
}
