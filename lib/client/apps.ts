"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { maskSecret } from "../mask";
import { api, apiAll } from "./api";
import { keys } from "./query-keys";
import type { App, Batching, Overview } from "./types";

export function useApps() {
  return useQuery({
    queryKey: keys.apps,
    queryFn: () => apiAll<App>("/apps"),
  });
}

export function useOverview() {
  return useQuery({
    queryKey: keys.overview,
    queryFn: () => api<Overview>("/overview"),
    refetchInterval: 15_000,
  });
}

export function useApp(appId: string) {
  return useQuery({
    queryKey: keys.app(appId),
    queryFn: () => api<App>(`/apps/${encodeURIComponent(appId)}`),
  });
}

export type CreateAppValues = { name: string; id?: string; key?: string; secret?: string };

export function useCreateApp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (values: CreateAppValues) => api<App>("/apps", { method: "POST", body: values }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.apps });
      void client.invalidateQueries({ queryKey: keys.overview });
    },
  });
}

export function useUpdateApp(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (values: { name?: string; enabled?: boolean; batching?: Partial<Batching> }) =>
      api<App>(`/apps/${encodeURIComponent(appId)}`, { method: "PATCH", body: values }),
    onSuccess: (app) => {
      client.setQueryData(keys.app(appId), app);
      void client.invalidateQueries({ queryKey: keys.apps });
    },
  });
}

export function useRotateAppSecret(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (graceSeconds: number) =>
      api<App>(`/apps/${encodeURIComponent(appId)}/rotate-secret`, {
        method: "POST",
        body: { graceSeconds },
      }),
    onSuccess: (app) =>
      client.setQueryData(keys.app(appId), { ...app, secret: maskSecret(app.secret) }),
  });
}

export function useDeleteApp(appId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>(`/apps/${encodeURIComponent(appId)}`, { method: "DELETE" }),
    onSuccess: () => {
      client.removeQueries({ queryKey: keys.app(appId) });
      void client.invalidateQueries({ queryKey: keys.apps });
      void client.invalidateQueries({ queryKey: keys.overview });
    },
  });
}

/** The app secret in full, asked for on demand (audited on the server). */
export const revealAppSecret = async (appId: string) =>
  (await api<App>(`/apps/${encodeURIComponent(appId)}/reveal-secret`, { method: "POST" })).secret;
