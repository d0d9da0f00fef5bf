import { getQueue } from "../lib/jobs/queues";
import { QUEUES } from "../lib/jobs/definitions";
import { disconnectRedis } from "../lib/redis";
import { withTimeout } from "../lib/timeout";

// Exit 0 when at least one worker of this deployment (HERALD_QUEUE_PREFIX, on the Redis the
// environment names: URL, Sentinel or Cluster) is connected to the deliver queue.
const queue = getQueue(QUEUES.deliver);
const workers = await withTimeout(queue.getWorkersCount(), 10_000).catch(() => 0);
await queue.close().catch(() => undefined);
await disconnectRedis();
if (workers === 0) console.error("no Herald worker is connected to the deliver queue");
process.exit(workers > 0 ? 0 : 1);
