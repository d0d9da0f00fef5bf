import { json, route } from "@/lib/api/handler";
import { checkReadiness } from "@/lib/services/readiness";

export const dynamic = "force-dynamic";

// Readiness for load balancers and alerting: no auth, deployment-wide totals only (no app ids).
export const GET = route({ scope: null }, async () => {
  const report = await checkReadiness();
  return json(report, report.status === "ok" ? 200 : 503);
});
