import { json, route } from "@/lib/api/handler";
import { checkHealth } from "@/lib/services/health";

export const dynamic = "force-dynamic";

export const GET = route({ scope: null }, async () => {
  const report = await checkHealth();
  return json(report, report.status === "ok" ? 200 : 503);
});
