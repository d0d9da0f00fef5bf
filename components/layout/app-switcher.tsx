"use client";

import * as Menu from "@radix-ui/react-dropdown-menu";
import { Check, ChevronsUpDown, Plus } from "lucide-react";
import { useParams, useRouter } from "next/navigation";
import { useApps } from "@/lib/client/apps";

/** Jumps between apps; keeps the current tab when switching. */
export function AppSwitcher() {
  const { data } = useApps();
  const params = useParams<{ appId?: string }>();
  const router = useRouter();
  const currentId = params?.appId ? decodeURIComponent(params.appId) : undefined;
  const current = data?.data.find((app) => app.id === currentId);

  return (
    <Menu.Root>
      <Menu.Trigger
        className="flex w-full items-center justify-between gap-2 rounded-md border border-slate-200 bg-white px-2.5 py-1.5 text-left text-sm shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
        aria-label="Switch app"
      >
        <span className="min-w-0">
          <span className="block text-[10px] font-medium tracking-wide text-slate-400 uppercase">
            App
          </span>
          <span className="block truncate font-medium text-slate-800">
            {current?.name ?? "All apps"}
          </span>
        </span>
        <ChevronsUpDown className="h-4 w-4 shrink-0 text-slate-400" aria-hidden />
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content
          align="start"
          sideOffset={4}
          className="z-50 max-h-80 w-56 overflow-y-auto rounded-lg border border-slate-200 bg-white p-1 shadow-lg"
        >
          <Menu.Item
            onSelect={() => router.push("/")}
            className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-sm text-slate-700 outline-none data-[highlighted]:bg-slate-100"
          >
            All apps
          </Menu.Item>
          <Menu.Separator className="my-1 h-px bg-slate-100" />
          {(data?.data ?? []).map((app) => (
            <Menu.Item
              key={app.id}
              onSelect={() => router.push(`/apps/${encodeURIComponent(app.id)}`)}
              className="flex cursor-pointer items-center justify-between gap-2 rounded px-2 py-1.5 text-sm text-slate-700 outline-none data-[highlighted]:bg-slate-100"
            >
              <span className="truncate">{app.name}</span>
              {app.id === currentId ? (
                <Check className="h-3.5 w-3.5 text-indigo-600" aria-hidden />
              ) : (
                <span className="font-mono text-[10px] text-slate-400">{app.id}</span>
              )}
            </Menu.Item>
          ))}
          <Menu.Separator className="my-1 h-px bg-slate-100" />
          <Menu.Item
            onSelect={() => router.push("/?create=1")}
            className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-sm text-indigo-700 outline-none data-[highlighted]:bg-indigo-50"
          >
            <Plus className="h-3.5 w-3.5" aria-hidden /> New app
          </Menu.Item>
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}
