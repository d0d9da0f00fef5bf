import { route } from "@/lib/api/handler";
import { requireUnrestricted } from "@/lib/auth/principal";
import { registerWebCollectors } from "@/lib/metrics/web-collectors";
import { metrics } from "@/lib/metrics/registry";

export const dynamic = "force-dynamic";

// Prometheus scrape target of the web process; the metrics cover every app, so a token limited
// to one app cannot read them.
export const GET = route({ scope: "metrics" }, async ({ principal }) => {
  requireUnrestricted(principal);
  registerWebCollectors();
  const { registry } = metrics();
  return new Response(await registry.metrics(), {
    headers: { "content-type": registry.contentType, "cache-control": "no-store" },
  });
});
