import { db } from "../db";
import { getRedis } from "../redis";
import { withTimeout } from "../timeout";

export type HealthReport = { status: "ok" | "degraded"; postgres: boolean; redis: boolean };

export async function checkHealth(): Promise<HealthReport> {
  const [postgres, redis] = await Promise.all([
    withTimeout(db.$queryRaw`SELECT 1`, 2000).then(
      () => true,
      () => false,
    ),
    withTimeout(getRedis().ping(), 2000).then(
      () => true,
      () => false,
    ),
  ]);
  return { status: postgres && redis ? "ok" : "degraded", postgres, redis };
}
