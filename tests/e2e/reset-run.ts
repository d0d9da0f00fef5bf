import { Redis } from "ioredis";
import { keysUnderPrefix } from "../helpers/unavailable-services";
import { recreateDatabase } from "../helpers/worker-databases";
import { e2eEnv } from "./env";

// Every dashboard run starts from an empty database and queue: the suite's lists and counts then
// show only this run's data (a machine's earlier runs once pushed a new app out of the apps
// list's first view). Playwright starts its web servers one after another, before globalSetup:
// this runs first in the web server's command, and the worker starts once the web server is up.
await recreateDatabase(e2eEnv.DATABASE_URL!);

const leftover = await keysUnderPrefix(e2eEnv.HERALD_QUEUE_PREFIX!);
if (leftover.length) {
  const redis = new Redis(e2eEnv.REDIS_URL!);
  await redis.unlink(...leftover);
  await redis.quit();
}
