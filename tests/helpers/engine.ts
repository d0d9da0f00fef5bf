import { afterAll, beforeAll } from "vitest";
import * as eventsRoute from "@/app/api/v1/apps/[appId]/events/route";
import { closeQueues } from "@/lib/jobs/queues";
import { call } from "./api";
import { startReceiver, type Receiver } from "./receiver";
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
  workerEnv: Record<string, string> = {},
  options: { bundled?: boolean } = {},
) {
  const prefix = uniquePrefix(name);
  process.env.HERALD_QUEUE_PREFIX = prefix;
  const engine = {
    prefix,
    receiver: undefined as unknown as Receiver,
    worker: undefined as unknown as WorkerProcess,
  };
  beforeAll(async () => {
    engine.receiver = await startReceiver();
    engine.worker = await startWorkerProcess(prefix, workerEnv, options);
  });
  afterAll(async () => {
    await engine.worker?.terminate();
    await engine.receiver?.close();
    await closeQueues();
  });
  return engine;
}
