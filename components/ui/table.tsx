import type { ReactNode } from "react";
import { Button } from "./button";

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

/** Under a log's table: how many rows are shown, and Load more while there are older pages. */
export function LoadMoreFooter({
  shown,
  pages,
  children,
}: {
  shown: number;
  pages: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
  children?: ReactNode;
}) {
  return (
    <div className="flex items-center justify-between border-t border-slate-100 px-4 py-3 text-xs text-slate-500">
      <span>{shown.toLocaleString()} shown</span>
      {pages.hasNextPage ? (
        <Button
          size="sm"
          loading={pages.isFetchingNextPage}
          onClick={() => void pages.fetchNextPage()}
        >
          Load more
        </Button>
      ) : (
        <span>End of the log</span>
      )}
      {children}
    </div>
  );
}
