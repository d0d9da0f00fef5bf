import * as eventsRoute from "@/app/api/v1/apps/[appId]/events/route";
import { call } from "./api";

// Ingest through the real route handler, as a producer would.
export function ingest(appId: string, events: unknown[]) {
  return call(eventsRoute.POST, "POST", `/api/v1/apps/${appId}/events`, { params: { appId }, body: { events } });
}
