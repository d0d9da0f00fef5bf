"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useApp } from "@/lib/client/apps";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { Skeleton } from "@/components/ui/skeleton";
import { ErrorState } from "@/components/ui/states";

export function AppHeader({ appId, children }: { appId: string; children: React.ReactNode }) {
  const app = useApp(appId);
  const pathname = usePathname() ?? "";
  const base = `/apps/${encodeURIComponent(appId)}`;
  const tabs = [
    { href: base, label: "Overview", active: pathname === base },
    {
      href: `${base}/endpoints`,
      label: "Endpoints",
      active: pathname.startsWith(`${base}/endpoints`),
    },
    {
      href: `${base}/events`,
      label: "Events",
      active: pathname.startsWith(`${base}/events`),
    },
    {
      href: `${base}/deliveries`,
      label: "Deliveries",
      active: pathname.startsWith(`${base}/deliveries`),
    },
    { href: `${base}/health`, label: "Health", active: pathname.startsWith(`${base}/health`) },
  ];

  if (app.isError)
    return (
      <ErrorState
        error={app.error}
        retry={() => void app.refetch()}
        notFound={{ title: "App not found", href: "/", linkLabel: "Back to apps" }}
      />
    );
  return (
    <div>
      <div className="mb-5">
        <nav aria-label="Breadcrumb" className="mb-1 text-xs text-slate-500">
          <Link href="/" className="hover:text-slate-800">
            Apps
          </Link>{" "}
          <span aria-hidden>/</span> <span className="font-mono">{appId}</span>
        </nav>
        {app.isPending ? (
          <Skeleton className="h-8 w-64" />
        ) : (
          <div className="flex items-center gap-3">
            <h1 className="text-2xl font-semibold tracking-tight text-slate-900">
              {app.data.name}
            </h1>
            {app.data.enabled ? (
              <Badge tone="green" dot>
                enabled
              </Badge>
            ) : (
              <Badge tone="amber" dot>
                disabled
              </Badge>
            )}
          </div>
        )}
      </div>
      {/* Five tabs are wider than a phone: the bar scrolls in its own box, not the page. */}
      <nav
        aria-label="App sections"
        className="mb-6 flex gap-1 overflow-x-auto border-b border-slate-200"
      >
        {tabs.map((tab) => (
          <Link
            key={tab.href}
            href={tab.href}
            aria-current={tab.active ? "page" : undefined}
            className={cn(
              "-mb-px shrink-0 border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap transition-colors",
              tab.active
                ? "border-indigo-600 text-indigo-700"
                : "border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-800",
            )}
          >
            {tab.label}
          </Link>
        ))}
      </nav>
      {children}
    </div>
  );
}
