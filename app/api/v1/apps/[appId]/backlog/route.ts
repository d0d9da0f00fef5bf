import { route } from "@/lib/api/handler";
import { requireAppAccess } from "@/lib/auth/principal";
import { getAppRecord } from "@/lib/services/apps";
import { appBacklog } from "@/lib/services/readiness";

export const dynamic = "force-dynamic";

export const GET = route<{ appId: string }>({ scope: "read" }, async ({ principal, params }) => {
  requireAppAccess(principal, params.appId);
  await getAppRecord(params.appId);
  return appBacklog(params.appId);
});
