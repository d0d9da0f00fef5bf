import { route } from "@/lib/api/handler";
import { requireAppAccess } from "@/lib/auth/principal";
import { getEvent } from "@/lib/services/events";

export const GET = route({ scope: "read" }, ({ principal, params }) => {
  requireAppAccess(principal, params.appId);
  return getEvent(params.appId, params.eventId);
});
