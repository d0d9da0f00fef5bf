import * as endpointsRoute from "@/app/api/v1/apps/[appId]/endpoints/route";
import * as endpointRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/route";
import { call } from "./api";

// The endpoints API as the tests call it: create, read and update an app's endpoint.

export const endpointsPath = (appId: string) => `/api/v1/apps/${appId}/endpoints`;

export const createEndpoint = (appId: string, body: unknown) =>
  call(endpointsRoute.POST, "POST", endpointsPath(appId), { params: { appId }, body });

export const patchEndpoint = (appId: string, endpointId: string, body: unknown) =>
  call(endpointRoute.PATCH, "PATCH", `${endpointsPath(appId)}/${endpointId}`, {
    params: { appId, endpointId },
    body,
  });

export const readEndpoint = (appId: string, endpointId: string) =>
  call(endpointRoute.GET, "GET", `${endpointsPath(appId)}/${endpointId}`, {
    params: { appId, endpointId },
  });
