"use client";

import * as DialogPrimitive from "@radix-ui/react-dialog";
import { BookOpen, Boxes, KeyRound, LogOut, Menu, ScrollText, X } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { useEffect, useState } from "react";
import { cn } from "@/components/ui/cn";
import { AppSwitcher } from "./app-switcher";

const nav = [
  {
    href: "/",
    label: "Apps",
    icon: Boxes,
    match: (path: string) => path === "/" || path.startsWith("/apps"),
  },
  {
    href: "/event-types",
    label: "Event types",
    icon: BookOpen,
    match: (path: string) => path.startsWith("/event-types"),
  },
  {
    href: "/api-tokens",
    label: "API tokens",
    icon: KeyRound,
    match: (path: string) => path.startsWith("/api-tokens"),
  },
  {
    href: "/audit-log",
    label: "Audit log",
    icon: ScrollText,
    match: (path: string) => path.startsWith("/audit-log"),
  },
];

/**
 * The navigation: a fixed sidebar from the md breakpoint up, a top bar with a menu drawer below it.
 */
export function Sidebar({ email }: { email: string }) {
  const pathname = usePathname() ?? "/";
  const [menuOpen, setMenuOpen] = useState(false);
  // A link followed from the drawer closes it.
  useEffect(() => setMenuOpen(false), [pathname]);
  return (
    <>
      <aside className="sticky top-0 z-30 hidden h-screen w-60 shrink-0 flex-col border-r border-slate-200 bg-white md:flex">
        <Brand />
        <Navigation email={email} pathname={pathname} />
      </aside>
      <header className="sticky top-0 z-30 flex h-14 items-center justify-between border-b border-slate-200 bg-white pr-2 md:hidden">
        <Brand />
        <DialogPrimitive.Root open={menuOpen} onOpenChange={setMenuOpen}>
          <DialogPrimitive.Trigger
            className="rounded-md p-2 text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
            aria-label="Open menu"
          >
            <Menu className="h-5 w-5" aria-hidden />
          </DialogPrimitive.Trigger>
          <DialogPrimitive.Portal>
            <DialogPrimitive.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
            <DialogPrimitive.Content className="fixed inset-y-0 left-0 z-50 flex w-72 max-w-[85vw] flex-col bg-white shadow-xl focus:outline-none">
              <DialogPrimitive.Title className="sr-only">Menu</DialogPrimitive.Title>
              <DialogPrimitive.Description className="sr-only">
                Apps, event types, API tokens and the audit log
              </DialogPrimitive.Description>
              <div className="flex items-center justify-between pr-2">
                <Brand />
                <DialogPrimitive.Close
                  className="rounded-md p-2 text-slate-500 hover:bg-slate-100"
                  aria-label="Close menu"
                >
                  <X className="h-4 w-4" aria-hidden />
                </DialogPrimitive.Close>
              </div>
              <Navigation email={email} pathname={pathname} />
            </DialogPrimitive.Content>
          </DialogPrimitive.Portal>
        </DialogPrimitive.Root>
      </header>
    </>
  );
}

function Brand() {
  return (
    <div className="flex h-14 items-center gap-2.5 border-b border-slate-100 px-4">
      <div className="flex h-7 w-7 items-center justify-center rounded-lg bg-indigo-600 text-sm font-bold text-white">
        H
      </div>
      <span className="text-[15px] font-semibold tracking-tight">Herald</span>
    </div>
  );
}

function Navigation({ email, pathname }: { email: string; pathname: string }) {
  return (
    <>
      <div className="px-3 pt-3">
        <AppSwitcher />
      </div>
      <nav aria-label="Main" className="flex-1 space-y-0.5 px-3 py-3">
        {nav.map((item) => {
          const active = item.match(pathname);
          return (
            <Link
              key={item.href}
              href={item.href}
              aria-current={active ? "page" : undefined}
              className={cn(
                "flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm font-medium transition-colors",
                active
                  ? "bg-indigo-50 text-indigo-700"
                  : "text-slate-600 hover:bg-slate-50 hover:text-slate-900",
              )}
            >
              <item.icon
                className={cn("h-4 w-4", active ? "text-indigo-600" : "text-slate-400")}
                aria-hidden
              />
              {item.label}
            </Link>
          );
        })}
      </nav>
      <div className="border-t border-slate-100 p-3">
        <div className="flex items-center gap-2.5 rounded-md px-2 py-1.5">
          <div className="flex h-7 w-7 items-center justify-center rounded-full bg-slate-100 text-xs font-semibold text-slate-600 uppercase">
            {email.slice(0, 1)}
          </div>
          <span className="min-w-0 flex-1 truncate text-xs text-slate-600">{email}</span>
          <button
            type="button"
            onClick={() => void signOut({ callbackUrl: "/login" })}
            className="rounded-md p-1.5 text-slate-400 hover:bg-slate-100 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-indigo-600"
            aria-label="Sign out"
            title="Sign out"
          >
            <LogOut className="h-4 w-4" aria-hidden />
          </button>
        </div>
      </div>
    </>
  );
}
