import { route } from "@/lib/api/handler";
import { requireUnrestricted } from "@/lib/auth/principal";
import { deleteEventType, getEventType, updateEventType } from "@/lib/services/event-types";
import { updateEventTypeSchema } from "@/lib/validation/event-types";

export const GET = route({ scope: "read" }, ({ params }) => getEventType(params.name));

export const PATCH = route(
  { scope: "write", body: updateEventTypeSchema },
  ({ principal, params, body }) => {
    requireUnrestricted(principal);
    return updateEventType(principal, params.name, body);
  },
);

export const DELETE = route({ scope: "write" }, async ({ principal, params }) => {
  requireUnrestricted(principal);
  await deleteEventType(principal, params.name);
});
