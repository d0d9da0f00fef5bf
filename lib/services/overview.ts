import { db } from "../db";
import type { Principal } from "../auth/types";
import type { AppOverview } from "../validation/overview";

const startOfTodayUtc = (now = new Date()) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

/**
 * Per-app counts for the apps list; an app-scoped principal sees only its own app. Today's
 * deliveries are those that ended today (from the hourly rollups) and those created today that
 * still wait, so the answer costs the same at any log size.
 */
export async function getOverview(
  principal: Principal,
  now = new Date(),
): Promise<{ data: AppOverview[] }> {
  const appFilter = principal.appId ? { appId: principal.appId } : {};
  const appId = principal.appId ?? null;
  const since = startOfTodayUtc(now);
  const [apps, endpointCounts, ended, waiting] = await Promise.all([
    db.app.findMany({
      where: principal.appId ? { id: principal.appId } : {},
      select: { id: true },
      orderBy: { id: "asc" },
    }),
    db.endpoint.groupBy({ by: ["appId", "enabled"], where: appFilter, _count: { _all: true } }),
    db.$queryRaw<{ app_id: string; succeeded: number; failed: number }[]>`
      SELECT e.app_id, sum(s.deliveries_succeeded)::int AS succeeded, sum(s.deliveries_failed)::int AS failed
      FROM endpoint_stats_hours s JOIN endpoints e ON e.id = s.endpoint_id
      WHERE s.hour >= ${since}::timestamp AND (${appId}::text IS NULL OR e.app_id = ${appId}::text)
      GROUP BY e.app_id`,
    db.$queryRaw<{ app_id: string; count: number }[]>`
      SELECT app_id, count(*)::int AS count FROM deliveries
      WHERE status IN ('pending', 'retrying', 'delivering') AND created_at >= ${since}::timestamp
        AND (${appId}::text IS NULL OR app_id = ${appId}::text)
      GROUP BY app_id`,
  ]);

  const data = apps.map(({ id }) => {
    const endpoints = endpointCounts.filter((row) => row.appId === id);
    const done = ended.find((row) => row.app_id === id);
    const succeeded = Number(done?.succeeded ?? 0);
    const failed = Number(done?.failed ?? 0);
    const waitingNow = Number(waiting.find((row) => row.app_id === id)?.count ?? 0);
    return {
      appId: id,
      endpoints: endpoints.reduce((sum, row) => sum + row._count._all, 0),
      enabledEndpoints: endpoints
        .filter((row) => row.enabled)
        .reduce((sum, row) => sum + row._count._all, 0),
      deliveriesToday: succeeded + failed + waitingNow,
      failedToday: failed,
      failureRate: succeeded + failed === 0 ? null : failed / (succeeded + failed),
    };
  });
  return { data };
}
