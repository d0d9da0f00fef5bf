import { route } from "@/lib/api/handler";
import { getEvent } from "@/lib/services/events";

export const GET = route({ scope: "read", app: true }, ({ params }) => {
  return getEvent(params.appId, params.eventId);
});
