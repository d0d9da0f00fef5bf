import { NewEndpoint } from "@/components/endpoints/new-endpoint";

export default async function NewEndpointPage({ params }: { params: Promise<{ appId: string }> }) {
  const { appId } = await params;
  return <NewEndpoint appId={decodeURIComponent(appId)} />;
}
