import { route } from "@/lib/api/handler";
import { getOverview } from "@/lib/services/overview";

/** Per-app counts for the dashboard's apps list (endpoints, deliveries today, failure rate). */
export const GET = route({ scope: "read" }, ({ principal }) => getOverview(principal));
