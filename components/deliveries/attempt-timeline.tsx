"use client";

import { ChevronDown } from "lucide-react";
import type { Attempt } from "@/lib/client/types";
import { Badge, HttpStatus } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { RelativeTime, absoluteTime } from "@/components/ui/relative-time";

const succeeded = (attempt: Attempt) =>
  attempt.responseStatus !== null &&
  attempt.responseStatus >= 200 &&
  attempt.responseStatus < 300 &&
  !attempt.error;

/** Newest first: each attempt with its outcome, timing, trigger and the request/response detail. */
export function AttemptTimeline({ attempts, pending }: { attempts: Attempt[]; pending: boolean }) {
  if (attempts.length === 0) {
    return (
      <p className="text-sm text-slate-500">
        {pending ? "No attempt yet: waiting for the worker…" : "No attempts were made."}
      </p>
    );
  }
  const ordered = [...attempts].sort((a, b) => b.number - a.number);
  return (
    <ol
      className="relative space-y-3 border-l border-slate-200 pl-5"
      data-testid="attempt-timeline"
    >
      {ordered.map((attempt) => (
        <li
          key={attempt.id}
          className="relative"
          data-testid="attempt"
          data-trigger={attempt.trigger}
        >
          <span
            className={cn(
              "absolute top-3 -left-[26px] h-3 w-3 rounded-full ring-4 ring-white",
              succeeded(attempt) ? "bg-emerald-500" : "bg-red-500",
            )}
            aria-hidden
          />
          <details
            className="group rounded-lg border border-slate-200 bg-white"
            open={attempt === ordered[0]}
          >
            <summary className="flex cursor-pointer list-none items-center gap-3 px-3 py-2.5 text-sm">
              <span className="font-medium text-slate-900">Attempt {attempt.number}</span>
              <Badge tone={attempt.trigger === "manual" ? "indigo" : "slate"}>
                {attempt.trigger}
              </Badge>
              {attempt.error && attempt.responseStatus === null ? (
                <Badge tone="red">no response</Badge>
              ) : (
                <HttpStatus status={attempt.responseStatus} />
              )}
              <span className="tabular-nums text-xs text-slate-500">{attempt.durationMs} ms</span>
              <span
                className="ml-auto text-xs text-slate-500"
                title={absoluteTime(attempt.startedAt)}
              >
                <RelativeTime value={attempt.startedAt} />
              </span>
              <ChevronDown
                className="h-4 w-4 text-slate-400 transition-transform group-open:rotate-180"
                aria-hidden
              />
            </summary>
            <div className="space-y-3 border-t border-slate-100 px-3 py-3">
              {attempt.target ? (
                <p className="text-xs text-slate-500" data-testid="attempt-target">
                  Sent to{" "}
                  <span className="font-mono break-all text-slate-800">{attempt.target}</span>
                </p>
              ) : null}
              {attempt.error ? (
                <p className="rounded-md bg-red-50 px-3 py-2 font-mono text-xs text-red-800">
                  {attempt.error}
                </p>
              ) : null}
              <Headers title="Request headers" headers={attempt.requestHeaders} />
              {attempt.responseHeaders ? (
                <Headers title="Response headers" headers={attempt.responseHeaders} />
              ) : null}
              <div>
                <h4 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">
                  Response body
                </h4>
                {attempt.responseBody ? (
                  <pre className="max-h-48 overflow-auto rounded-md bg-slate-50 px-3 py-2 font-mono text-xs text-slate-800 ring-1 ring-slate-200">
                    {attempt.responseBody}
                  </pre>
                ) : (
                  <p className="text-xs text-slate-400">Empty</p>
                )}
              </div>
            </div>
          </details>
        </li>
      ))}
    </ol>
  );
}

function Headers({ title, headers }: { title: string; headers: Record<string, string> }) {
  const entries = Object.entries(headers);
  return (
    <div>
      <h4 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">{title}</h4>
      {entries.length === 0 ? (
        <p className="text-xs text-slate-400">None</p>
      ) : (
        <table className="w-full font-mono text-xs">
          <tbody>
            {entries.map(([name, value]) => (
              <tr key={name} className="align-top">
                <td className="w-1/3 py-0.5 pr-3 text-slate-500">{name}</td>
                <td className="py-0.5 break-all text-slate-800">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
