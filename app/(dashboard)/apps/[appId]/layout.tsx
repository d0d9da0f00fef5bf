import { AppHeader } from "@/components/apps/app-header";

export default async function AppLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ appId: string }>;
}) {
  const { appId } = await params;
  return <AppHeader appId={decodeURIComponent(appId)}>{children}</AppHeader>;
}
