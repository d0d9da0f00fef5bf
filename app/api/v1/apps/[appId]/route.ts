import { route } from "@/lib/api/handler";
import { requireAppAccess } from "@/lib/auth/principal";
import { deleteApp, getApp, updateApp } from "@/lib/services/apps";
import { updateAppSchema } from "@/lib/validation/apps";

export const GET = route({ scope: "read" }, ({ principal, params }) => {
  requireAppAccess(principal, params.appId);
  return getApp(params.appId);
});

export const PATCH = route(
  { scope: "write", body: updateAppSchema },
  ({ principal, params, body }) => {
    requireAppAccess(principal, params.appId);
    return updateApp(principal, params.appId, body);
  },
);

export const DELETE = route({ scope: "write" }, async ({ principal, params }) => {
  requireAppAccess(principal, params.appId);
  await deleteApp(principal, params.appId);
});
