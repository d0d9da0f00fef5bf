"use client";

import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { maskSecret } from "../mask";
import { api, apiAll } from "./api";
import { keys } from "./query-keys";
import { recoveryStillMoving } from "./recovery-summary";
import type {
  BackgroundJob,
  Endpoint,
  EndpointInput,
  EndpointStats,
  EndpointUpdate,
  JobStarted,
  TestResult,
} from "./types";

const base = (appId: string) => `/apps/${encodeURIComponent(appId)}/endpoints`;

export function useEndpoints(appId: string) {
  return useQuery({
    queryKey: keys.endpoints(appId),
    queryFn: () => apiAll<Endpoint>(base(appId)),
  });
}

/**
 * Endpoint descriptions (or targets) by id across some apps, for lists that name endpoints by id
 * (the audit log). Unknown ids (deleted endpoints) give undefined.
 */
export function useEndpointNames(appIds: Array<string | null>) {
  const unique = [...new Set(appIds.filter((id): id is string => Boolean(id)))];
  const lists = useQueries({
    queries: unique.map((appId) => ({
      queryKey: keys.endpoints(appId),
      queryFn: () => apiAll<Endpoint>(base(appId)),
    })),
  });
  const names = new Map<string, string>();
  for (const list of lists)
    for (const endpoint of list.data?.data ?? [])
      names.set(
        endpoint.id,
        endpoint.description.trim() ||
          (endpoint.lambda ? `lambda:${endpoint.lambda.functionName}` : (endpoint.url ?? "")),
      );
  return (id: string) => names.get(id);
}

export function useEndpoint(appId: string, endpointId: string) {
  return useQuery({
    queryKey: keys.endpoint(appId, endpointId),
    queryFn: () => api<Endpoint>(`${base(appId)}/${endpointId}`),
    enabled: Boolean(endpointId),
    // Herald may disable it meanwhile (410, too many failures): the page shows it within seconds.
    refetchInterval: 5000,
  });
}

export function useCreateEndpoint(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: EndpointInput) =>
      api<Endpoint>(base(appId), { method: "POST", body: input }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.endpoints(appId) });
      void client.invalidateQueries({ queryKey: keys.overview });
    },
  });
}

export function useUpdateEndpoint(appId: string, endpointId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: EndpointUpdate) =>
      api<Endpoint>(`${base(appId)}/${endpointId}`, { method: "PATCH", body: input }),
    onSuccess: (endpoint) => {
      client.setQueryData(keys.endpoint(appId, endpointId), endpoint);
      void client.invalidateQueries({ queryKey: keys.endpoints(appId) });
    },
  });
}

export function useDeleteEndpoint(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (endpointId: string) =>
      api<void>(`${base(appId)}/${endpointId}`, { method: "DELETE" }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.endpoints(appId) });
      void client.invalidateQueries({ queryKey: keys.overview });
    },
  });
}

export function useRotateEndpointSecret(appId: string, endpointId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (graceSeconds: number) =>
      api<Endpoint>(`${base(appId)}/${endpointId}/rotate-secret`, {
        method: "POST",
        body: { graceSeconds },
      }),
    // The page shows the new secret's masked form at once (the full one only in the rotate dialog).
    onSuccess: (endpoint) =>
      client.setQueryData(keys.endpoint(appId, endpointId), {
        ...endpoint,
        standardWebhooks: {
          ...endpoint.standardWebhooks,
          secret: maskSecret(endpoint.standardWebhooks.secret),
        },
      }),
  });
}

export function useTestEndpoint(appId: string, endpointId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { eventName?: string; channel?: string } = {}) =>
      api<TestResult>(`${base(appId)}/${endpointId}/test`, { method: "POST", body: input }),
    onSettled: () => void client.invalidateQueries({ queryKey: keys.deliveries(appId) }),
  });
}

export function useRecover(appId: string) {
  return useMutation({
    /** endpointId null: every enabled endpoint of the app. */
    mutationFn: ({
      endpointId,
      ...input
    }: {
      endpointId: string | null;
      since: string;
      until: string;
      eventTypes?: string[];
    }) =>
      api<JobStarted>(
        endpointId
          ? `${base(appId)}/${endpointId}/recover`
          : `/apps/${encodeURIComponent(appId)}/recover`,
        { method: "POST", body: input },
      ),
  });
}

export function useJob(jobId: string | null) {
  return useQuery({
    queryKey: keys.job(jobId ?? ""),
    queryFn: () => api<BackgroundJob>(`/jobs/${jobId}`),
    enabled: Boolean(jobId),
    refetchInterval: (query) => (recoveryStillMoving(query.state.data) ? 1000 : false),
  });
}

export function useEndpointStats(appId: string, endpointId: string, window: string) {
  return useQuery({
    queryKey: keys.stats(appId, endpointId, window),
    queryFn: () => api<EndpointStats>(`${base(appId)}/${endpointId}/stats`, { query: { window } }),
    refetchInterval: 10_000,
  });
}

/** The endpoint's whsec_ signing secret in full, asked for on demand (audited on the server). */
export const revealEndpointSecret = async (appId: string, endpointId: string) =>
  (await api<Endpoint>(`${base(appId)}/${endpointId}/reveal-secret`, { method: "POST" }))
    .standardWebhooks.secret;
