"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, apiAll, type Page } from "./api";
import { keys } from "./query-keys";
import type { ApiToken, AuditEntry, EventType } from "./types";

export function useEventTypes() {
  return useQuery({
    queryKey: keys.eventTypes,
    queryFn: () => apiAll<EventType>("/event-types"),
  });
}

export function useCreateEventType() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; description: string; schema?: unknown }) =>
      api<EventType>("/event-types", { method: "POST", body: input }),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.eventTypes }),
  });
}

export function useUpdateEventType() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ name, ...input }: { name: string; description?: string; schema?: unknown }) =>
      api<EventType>(`/event-types/${encodeURIComponent(name)}`, { method: "PATCH", body: input }),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.eventTypes }),
  });
}

export function useDeleteEventType() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      api<void>(`/event-types/${encodeURIComponent(name)}`, { method: "DELETE" }),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.eventTypes }),
  });
}

export function useApiTokens() {
  return useQuery({
    queryKey: keys.apiTokens,
    queryFn: () => apiAll<ApiToken>("/api-tokens"),
  });
}

export function useCreateApiToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: {
      name: string;
      scopes: string[];
      appId?: string | null;
      expiresAt?: string | null;
    }) => api<ApiToken>("/api-tokens", { method: "POST", body: input }),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.apiTokens }),
  });
}

export function useRevokeApiToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (tokenId: string) => api<ApiToken>(`/api-tokens/${tokenId}`, { method: "DELETE" }),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.apiTokens }),
  });
}

export function useAuditLog(filters: { appId?: string } = {}) {
  return useInfiniteQuery({
    queryKey: [...keys.auditLog, filters],
    queryFn: ({ pageParam }) =>
      api<Page<AuditEntry>>("/audit-log", { query: { ...filters, limit: 50, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}
