import { db } from "../db";
import { getRedis } from "../redis";

export type HealthReport = { status: "ok" | "degraded"; postgres: boolean; redis: boolean };

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), ms))]);

export async function checkHealth(): Promise<HealthReport> {
  const [postgres, redis] = await Promise.all([
    withTimeout(db.$queryRaw`SELECT 1`, 2000).then(() => true, () => false),
    withTimeout(getRedis().ping(), 2000).then(() => true, () => false),
  ]);
  return { status: postgres && redis ? "ok" : "degraded", postgres, redis };
}
