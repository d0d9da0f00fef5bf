import { db } from "../db";
import type { Principal } from "../auth/types";
import type { AppOverview } from "../validation/overview";

const startOfTodayUtc = (now = new Date()) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

/** Per-app counts for the apps list; an app-scoped principal sees only its own app. */
export async function getOverview(
  principal: Principal,
  now = new Date(),
): Promise<{ data: AppOverview[] }> {
  const appFilter = principal.appId ? { appId: principal.appId } : {};
  const since = startOfTodayUtc(now);
  const [apps, endpointCounts, deliveryCounts] = await Promise.all([
    db.app.findMany({
      where: principal.appId ? { id: principal.appId } : {},
      select: { id: true },
      orderBy: { id: "asc" },
    }),
    db.endpoint.groupBy({ by: ["appId", "enabled"], where: appFilter, _count: { _all: true } }),
    db.delivery.groupBy({
      by: ["appId", "status"],
      where: { ...appFilter, createdAt: { gte: since } },
      _count: { _all: true },
    }),
  ]);

  const data = apps.map(({ id }) => {
    const endpoints = endpointCounts.filter((row) => row.appId === id);
    const deliveries = deliveryCounts.filter((row) => row.appId === id);
    const countOf = (status: string) =>
      deliveries.find((row) => row.status === status)?._count._all ?? 0;
    const succeeded = countOf("succeeded");
    const failed = countOf("failed");
    return {
      appId: id,
      endpoints: endpoints.reduce((sum, row) => sum + row._count._all, 0),
      enabledEndpoints: endpoints
        .filter((row) => row.enabled)
        .reduce((sum, row) => sum + row._count._all, 0),
      deliveriesToday: deliveries.reduce((sum, row) => sum + row._count._all, 0),
      failedToday: failed,
      failureRate: succeeded + failed === 0 ? null : failed / (succeeded + failed),
    };
  });
  return { data };
}
