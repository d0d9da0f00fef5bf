import { Redis } from "ioredis";
import { recreateDatabase } from "../helpers/worker-databases";
import { e2eEnv } from "./env";

// Every dashboard run starts from an empty database and queue: the suite's lists and counts then
// show only this run's data (a machine's earlier runs once pushed a new app out of the apps
// list's first view). Playwright starts its web servers one after another, before globalSetup:
// this runs first in the web server's command, and the worker starts once the web server is up.
await recreateDatabase(e2eEnv.DATABASE_URL!);

const redis = new Redis(e2eEnv.REDIS_URL!);
try {
  for await (const keys of redis.scanStream({
    match: `${e2eEnv.HERALD_QUEUE_PREFIX}:*`,
    count: 1000,
  })) {
    if ((keys as string[]).length) await redis.unlink(...(keys as string[]));
  }
} finally {
  await redis.quit();
}
