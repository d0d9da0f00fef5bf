import { EndpointDetail } from "@/components/endpoints/endpoint-detail";

export default async function EndpointPage({
  params,
}: {
  params: Promise<{ appId: string; endpointId: string }>;
}) {
  const { appId, endpointId } = await params;
  return <EndpointDetail appId={decodeURIComponent(appId)} endpointId={endpointId} />;
}
