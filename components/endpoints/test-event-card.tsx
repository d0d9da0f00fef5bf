"use client";

import { Send } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { errorMessage } from "@/lib/client/api";
import { useTestEndpoint } from "@/lib/client/endpoints";
import type { Endpoint } from "@/lib/client/types";
import { HttpStatus, StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";

/** Sends a sample event to the endpoint now and shows what it answered. */
export function TestEventCard({ endpoint }: { endpoint: Endpoint }) {
  const test = useTestEndpoint(endpoint.appId, endpoint.id);
  const [error, setError] = useState<string | null>(null);
  const result = test.data;

  async function send() {
    setError(null);
    try {
      await test.mutateAsync({});
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  return (
    <Card>
      <CardHeader
        title="Send test event"
        description="Delivers a sample event now, signed like a real one."
        actions={
          <Button size="sm" variant="primary" loading={test.isPending} onClick={() => void send()}>
            <Send className="h-3.5 w-3.5" aria-hidden /> Send test event
          </Button>
        }
      />
      <CardBody>
        {error ? (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        ) : result ? (
          <div className="space-y-3" data-testid="test-result" aria-live="polite">
            <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
              <StatusBadge status={String(result.status)} />
              <span className="text-slate-500">
                Response <HttpStatus status={result.responseStatus} />
              </span>
              {result.durationMs !== null ? (
                <span className="text-slate-500">{result.durationMs} ms</span>
              ) : null}
              {result.deliveryId ? (
                <Link
                  className="text-xs font-medium text-indigo-600 hover:text-indigo-500"
                  href={`/apps/${encodeURIComponent(endpoint.appId)}/deliveries?delivery=${result.deliveryId}`}
                >
                  View delivery
                </Link>
              ) : null}
            </div>
            {result.error ? (
              <p className="rounded-md bg-red-50 px-3 py-2 font-mono text-xs text-red-800">
                {result.error}
              </p>
            ) : null}
            {result.responseBody ? (
              <pre className="max-h-48 overflow-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100">
                {result.responseBody}
              </pre>
            ) : (
              <p className="text-xs text-slate-500">Empty response body.</p>
            )}
          </div>
        ) : (
          <p className="text-sm text-slate-500">
            The response status, body and timing appear here.
          </p>
        )}
      </CardBody>
    </Card>
  );
}
