"use client";

import { useQuery } from "@tanstack/react-query";
import type { AppBacklogResponse, ReadinessResponse } from "../validation/observability";
import { api } from "./api";

// Readiness answers 503 with the same body while degraded: that is data here, not an error.

const POLL_MS = 5000;

async function fetchReadiness(): Promise<ReadinessResponse> {
  const response = await fetch("/api/health/ready", { cache: "no-store" });
  const body = (await response.json().catch(() => null)) as ReadinessResponse | null;
  if (!body?.status) throw new Error(`Readiness answered ${response.status}`);
  return body;
}

export function useReadiness() {
  return useQuery({
    queryKey: ["readiness"],
    queryFn: fetchReadiness,
    refetchInterval: POLL_MS,
  });
}

export function useAppBacklog(appId: string) {
  return useQuery({
    queryKey: ["apps", appId, "backlog"],
    queryFn: () => api<AppBacklogResponse>(`/apps/${encodeURIComponent(appId)}/backlog`),
    refetchInterval: POLL_MS,
  });
}
