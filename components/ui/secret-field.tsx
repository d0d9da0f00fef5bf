"use client";

import { Eye, EyeOff } from "lucide-react";
import { useState } from "react";
import { CopyButton } from "./copy-button";

/**
 * A secret shown masked until the user reveals it. `value` is what the API gave us: the full
 * secret right after create/rotate, otherwise the masked form (then reveal has nothing to show).
 */
export function SecretField({ value, label, testId }: { value: string; label: string; testId?: string }) {
  const [revealed, setRevealed] = useState(false);
  const masked = value.startsWith("********");
  const shown = revealed || masked ? value : "•".repeat(Math.min(value.length, 32));
  return (
    <div className="flex min-h-9 items-center gap-1 rounded-md border border-slate-200 bg-slate-50 py-1 pr-1 pl-3">
      <code data-testid={testId} className="min-w-0 flex-1 truncate font-mono text-xs text-slate-800">
        {shown}
      </code>
      {masked ? null : (
        <>
          <button
            type="button"
            aria-label={revealed ? `Hide ${label}` : `Reveal ${label}`}
            title={revealed ? "Hide" : "Reveal"}
            onClick={() => setRevealed(!revealed)}
            className="inline-flex h-7 w-7 items-center justify-center rounded-md text-slate-500 hover:bg-slate-100 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-600"
          >
            {revealed ? <EyeOff className="h-3.5 w-3.5" aria-hidden /> : <Eye className="h-3.5 w-3.5" aria-hidden />}
          </button>
          <CopyButton value={value} label={`Copy ${label}`} />
        </>
      )}
    </div>
  );
}
