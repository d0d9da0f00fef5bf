import { route } from "@/lib/api/handler";
import { deleteApp, getApp, updateApp } from "@/lib/services/apps";
import { updateAppSchema } from "@/lib/validation/apps";

export const GET = route({ scope: "read", app: true }, ({ params }) => {
  return getApp(params.appId);
});

export const PATCH = route(
  { scope: "write", app: true, body: updateAppSchema },
  ({ principal, params, body }) => {
    return updateApp(principal, params.appId, body);
  },
);

export const DELETE = route({ scope: "write", app: true }, async ({ principal, params }) => {
  await deleteApp(principal, params.appId);
});
