import { json, route } from "@/lib/api/handler";
import { requireUnrestricted } from "@/lib/auth/principal";
import { importConfig } from "@/lib/services/import";
import { importRequestSchema } from "@/lib/validation/import";

export const POST = route(
  { scope: "write", body: importRequestSchema, maxBodyBytes: 5 * 1024 * 1024 },
  async ({ principal, body }) => {
    requireUnrestricted(principal);
    return json(await importConfig(principal, body), 201);
  },
);
