import { pageQuery, route, json } from "@/lib/api/handler";
import { createApp, listApps } from "@/lib/services/apps";
import { createAppSchema } from "@/lib/validation/apps";

export const GET = route({ scope: "read", query: pageQuery }, ({ principal, query }) =>
  listApps(principal, query),
);

export const POST = route({ scope: "write", body: createAppSchema }, async ({ principal, body }) =>
  json(await createApp(principal, body), 201),
);
