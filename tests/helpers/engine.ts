import { afterAll, beforeAll } from "vitest";
import * as eventsRoute from "@/app/api/v1/apps/[appId]/events/route";
import { db } from "@/lib/db";
import { closeQueues } from "@/lib/jobs/queues";
import { call } from "./api";
import { eventually, startReceiver, type Receiver } from "./receiver";
import { startWorkerProcess, uniquePrefix, type WorkerProcess } from "./worker-process";

// Ingest through the real route handler, as a producer would.
export function ingest(appId: string, events: unknown[]) {
  return call(eventsRoute.POST, "POST", `/api/v1/apps/${appId}/events`, {
    params: { appId },
    body: { events },
  });
}

/**
 * The set-up every engine test file shares: its own queue prefix (set for this process, so the
 * route handlers enqueue where the worker listens), a receiver and a worker process started before
 * the file's tests and stopped after them. Read receiver and worker inside tests.
 */
export function engineUnderTest(
  name: string,
  /** The workers' environment; a function gives each worker (by index) its own. */
  workerEnv: Record<string, string> | ((index: number) => Record<string, string>) = {},
  options: { bundled?: boolean; workers?: number } = {},
) {
  const prefix = uniquePrefix(name);
  process.env.HERALD_QUEUE_PREFIX = prefix;
  const engine = {
    prefix,
    receiver: undefined as unknown as Receiver,
    worker: undefined as unknown as WorkerProcess,
    /** Every worker process sharing the queue (options.workers, default 1); worker is the first. */
    workers: [] as WorkerProcess[],
  };
  beforeAll(async () => {
    engine.receiver = await startReceiver();
    engine.workers = await Promise.all(
      Array.from({ length: options.workers ?? 1 }, (_, index) =>
        startWorkerProcess(
          prefix,
          typeof workerEnv === "function" ? workerEnv(index) : workerEnv,
          options,
        ),
      ),
    );
    engine.worker = engine.workers[0]!;
  });
  afterAll(async () => {
    await Promise.all(engine.workers.map((worker) => worker.terminate().catch(() => undefined)));
    await engine.receiver?.close();
    await closeQueues();
  });
  return engine;
}

/**
 * Resolves once routing has committed every event the app acknowledged and none of these
 * endpoints has a batch window open: from then on, every request they will ever get is one of
 * their delivery rows (a test asserts on the rows instead of waiting to see nothing else arrive).
 */
export async function routingCommitted(appId: string, endpointIds: string[]): Promise<void> {
  await eventually(
    async () =>
      (await db.unroutedEvent.count({ where: { appId } })) === 0 &&
      (await db.batchItem.count({ where: { endpointId: { in: endpointIds } } })) === 0,
    { what: "routing and the batch windows committed" },
  );
}

/** Each delivery row of the endpoint, oldest first, as the ids of the events it carries. */
export async function deliveredEventIds(endpointId: string): Promise<string[][]> {
  const deliveries = await db.delivery.findMany({ where: { endpointId }, orderBy: { id: "asc" } });
  return deliveries.map((delivery) => delivery.eventIds);
}
