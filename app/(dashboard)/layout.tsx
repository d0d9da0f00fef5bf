import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { authOptions } from "@/lib/auth/options";
import { loginUrl, PAGE_PATH_HEADER } from "@/lib/auth/callback-url";
import { Sidebar } from "@/components/layout/sidebar";
import { BacklogBanner } from "@/components/layout/backlog-banner";

export const dynamic = "force-dynamic";

// The session is checked here for the pages; every API route checks it again on its own.
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const session = await getServerSession(authOptions);
  // Back to the page asked for after signing in (the path comes from proxy.ts).
  if (!session?.user?.email) redirect(loginUrl((await headers()).get(PAGE_PATH_HEADER)));
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <Sidebar email={session.user.email} />
      <main id="main" className="min-w-0 flex-1">
        <div className="mx-auto max-w-6xl px-4 py-6 md:px-8 md:py-8">
          <BacklogBanner />
          {children}
        </div>
      </main>
    </div>
  );
}
