import { AlertTriangle, SearchX, type LucideIcon } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { ApiError, errorMessage } from "@/lib/client/api";
import { Button } from "./button";
import { cn } from "./cn";

export function EmptyState({
  icon: Icon,
  title,
  description,
  action,
  className,
}: {
  icon: LucideIcon;
  title: string;
  description?: ReactNode;
  action?: ReactNode;
  className?: string;
}) {
  return (
    <div
      className={cn("flex flex-col items-center justify-center px-6 py-14 text-center", className)}
    >
      <div className="mb-4 flex h-12 w-12 items-center justify-center rounded-full bg-indigo-50 text-indigo-600">
        <Icon className="h-6 w-6" aria-hidden />
      </div>
      <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
      {description ? <p className="mt-1 max-w-sm text-sm text-slate-500">{description}</p> : null}
      {action ? <div className="mt-5">{action}</div> : null}
    </div>
  );
}

/** Where to go when the thing asked for does not exist (an API 404): asking again cannot help. */
type NotFoundLink = { title: string; href: string; linkLabel: string };

export function ErrorState({
  error,
  retry,
  className,
  notFound,
}: {
  error: unknown;
  retry?: () => void;
  className?: string;
  notFound?: NotFoundLink;
}) {
  if (notFound && error instanceof ApiError && error.status === 404)
    return (
      <div
        data-testid="not-found-state"
        className={cn(
          "flex flex-col items-center justify-center px-6 py-12 text-center",
          className,
        )}
      >
        <div className="mb-3 flex h-10 w-10 items-center justify-center rounded-full bg-slate-100 text-slate-500">
          <SearchX className="h-5 w-5" aria-hidden />
        </div>
        <h2 className="text-base font-semibold text-slate-900">{notFound.title}</h2>
        <p className="mt-1 max-w-md text-sm text-slate-500">
          {errorMessage(error)}. It may have been deleted, or the link is mistyped.
        </p>
        <Link
          href={notFound.href}
          className="mt-4 inline-flex h-8 items-center rounded-md bg-indigo-600 px-3 text-sm font-medium text-white shadow-sm hover:bg-indigo-500"
        >
          {notFound.linkLabel}
        </Link>
      </div>
    );
  return (
    <div
      role="alert"
      className={cn("flex flex-col items-center justify-center px-6 py-12 text-center", className)}
    >
      <div className="mb-3 flex h-10 w-10 items-center justify-center rounded-full bg-red-50 text-red-600">
        <AlertTriangle className="h-5 w-5" aria-hidden />
      </div>
      <h3 className="text-sm font-semibold text-slate-900">Could not load this</h3>
      <p className="mt-1 max-w-md text-sm text-slate-500">{errorMessage(error)}</p>
      {retry ? (
        <Button className="mt-4" size="sm" onClick={retry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}

/** A live view whose background refresh failed: the data shown stays, with this note above it. */
export function RefreshFailed({ error }: { error: unknown }) {
  return (
    <p
      role="status"
      className="flex items-center gap-2 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900"
    >
      <AlertTriangle className="h-3.5 w-3.5 shrink-0" aria-hidden />
      Could not refresh ({errorMessage(error)}); showing the last data loaded, retrying.
    </p>
  );
}

export function Banner({
  tone = "amber",
  title,
  children,
  action,
}: {
  tone?: "amber" | "red" | "indigo";
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  const tones = {
    amber: "border-amber-200 bg-amber-50 text-amber-900",
    red: "border-red-200 bg-red-50 text-red-900",
    indigo: "border-indigo-200 bg-indigo-50 text-indigo-900",
  };
  return (
    <div
      role="status"
      className={cn(
        "flex items-start justify-between gap-4 rounded-lg border px-4 py-3",
        tones[tone],
      )}
    >
      <div className="flex gap-3">
        <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
        <div>
          <p className="text-sm font-semibold">{title}</p>
          {children ? <div className="mt-0.5 text-sm opacity-90">{children}</div> : null}
        </div>
      </div>
      {action}
    </div>
  );
}
