import type { ReactNode } from "react";

/** A full-width table that scrolls inside its own box when the screen is narrower than it. */
export function ScrollTable({ label, children }: { label?: string; children: ReactNode }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" aria-label={label}>
        {children}
      </table>
    </div>
  );
}

/** The header row of a list table: small uppercase column names. */
export function TableHeader({ children }: { children: ReactNode }) {
  return (
    <thead>
      <tr className="border-b border-slate-100 text-left text-xs font-medium tracking-wide text-slate-500 uppercase">
        {children}
      </tr>
    </thead>
  );
}
