import { json, pageQuery, route } from "@/lib/api/handler";
import { requireUnrestricted } from "@/lib/auth/principal";
import { createEventType, listEventTypes } from "@/lib/services/event-types";
import { createEventTypeSchema } from "@/lib/validation/event-types";

export const GET = route({ scope: "read", query: pageQuery }, ({ query }) => listEventTypes(query));

export const POST = route(
  { scope: "write", body: createEventTypeSchema },
  async ({ principal, body }) => {
    requireUnrestricted(principal);
    return json(await createEventType(principal, body), 201);
  },
);
