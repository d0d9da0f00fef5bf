import type { ReactNode } from "react";
import { cn } from "./cn";

const tones = {
  slate: "bg-slate-100 text-slate-700 ring-slate-500/20",
  green: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  red: "bg-red-50 text-red-700 ring-red-600/20",
  amber: "bg-amber-50 text-amber-800 ring-amber-600/20",
  blue: "bg-sky-50 text-sky-700 ring-sky-600/20",
  indigo: "bg-indigo-50 text-indigo-700 ring-indigo-600/20",
};

export type BadgeTone = keyof typeof tones;

export function Badge({
  tone = "slate",
  children,
  className,
  dot,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  className?: string;
  dot?: boolean;
}) {
  return (
    <span
      className={cn(
        "inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset",
        tones[tone],
        className,
      )}
    >
      {dot ? <span className="h-1.5 w-1.5 rounded-full bg-current" aria-hidden /> : null}
      {children}
    </span>
  );
}

const statusTone: Record<string, BadgeTone> = {
  succeeded: "green",
  failed: "red",
  retrying: "amber",
  pending: "slate",
  delivering: "blue",
  cancelled: "slate",
  queued: "slate",
  running: "blue",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={statusTone[status] ?? "slate"} dot>
      {status}
    </Badge>
  );
}

export function HttpStatus({ status }: { status: number | null | undefined }) {
  if (status === null || status === undefined) return <span className="text-slate-400">—</span>;
  const tone =
    status >= 200 && status < 300
      ? "text-emerald-700"
      : status >= 500
        ? "text-red-700"
        : "text-amber-700";
  return <span className={cn("font-mono text-xs font-semibold", tone)}>{status}</span>;
}
