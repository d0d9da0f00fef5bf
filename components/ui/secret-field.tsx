"use client";

import { Eye, EyeOff, Loader2 } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { errorMessage } from "@/lib/client/api";
import { isMasked } from "@/lib/mask";
import { CopyButton } from "./copy-button";

/**
 * A secret shown masked until the user reveals it. `value` is what the API gave us: the full
 * secret right after create/rotate, otherwise the masked form; then `reveal` (when given) asks the
 * API for the full secret, which is audited.
 */
export function SecretField({
  value,
  label,
  testId,
  reveal,
}: {
  value: string;
  label: string;
  testId?: string;
  reveal?: () => Promise<string>;
}) {
  const [fetched, setFetched] = useState<{ from: string; secret: string } | null>(null);
  // Which value was revealed: a new one (a rotation) starts hidden, so one click reveals it.
  const [revealedFor, setRevealedFor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  // A fetched secret belongs to the masked value it was fetched for (a rotation replaces both).
  const full = isMasked(value) ? (fetched?.from === value ? fetched.secret : null) : value;
  const revealed = revealedFor === value && full !== null;
  const shown = revealed ? full : full ? "•".repeat(Math.min(full.length, 32)) : value;

  async function toggle() {
    if (full) return setRevealedFor(revealed ? null : value);
    if (!reveal) return;
    setLoading(true);
    try {
      setFetched({ from: value, secret: await reveal() });
      setRevealedFor(value);
    } catch (error) {
      toast.error(`Could not reveal the ${label}: ${errorMessage(error)}`);
    } finally {
      setLoading(false);
    }
  }

  return (
    <div className="flex min-h-9 items-center gap-1 rounded-md border border-slate-200 bg-slate-50 py-1 pr-1 pl-3">
      <code
        data-testid={testId}
        className="min-w-0 flex-1 truncate font-mono text-xs text-slate-800"
      >
        {shown}
      </code>
      {full || reveal ? (
        <button
          type="button"
          aria-label={revealed ? `Hide ${label}` : `Reveal ${label}`}
          title={revealed ? "Hide" : "Reveal"}
          disabled={loading}
          onClick={() => void toggle()}
          className="inline-flex h-7 w-7 items-center justify-center rounded-md text-slate-500 hover:bg-slate-100 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          {loading ? (
            <Loader2 className="h-3.5 w-3.5 animate-spin" aria-hidden />
          ) : revealed ? (
            <EyeOff className="h-3.5 w-3.5" aria-hidden />
          ) : (
            <Eye className="h-3.5 w-3.5" aria-hidden />
          )}
        </button>
      ) : null}
      {full ? <CopyButton value={full} label={`Copy ${label}`} /> : null}
    </div>
  );
}
