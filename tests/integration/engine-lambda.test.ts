import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { closeQueues } from "@/lib/jobs/queues";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { ingest } from "../helpers/engine";
import { startLambdaServer, type LambdaServer } from "../helpers/lambda-server";
import { eventually, startReceiver, type Receiver } from "../helpers/receiver";
import { startWorkerProcess, uniquePrefix, type WorkerProcess } from "../helpers/worker-process";

// Lambda endpoints through the production worker (the bundle, node worker/start.mjs): the AWS SDK
// is imported on the first Lambda invoke, so a worker that only delivers over HTTP never loads it.
// tests/helpers/module-trace.mjs makes the worker print every resolution of an @aws-sdk module.

const prefix = uniquePrefix("lambda");
process.env.HERALD_QUEUE_PREFIX = prefix;
const SDK_LOADED = "module-trace: @aws-sdk/client-lambda";
let receiver: Receiver;
let lambda: LambdaServer;
let worker: WorkerProcess;

beforeAll(async () => {
  receiver = await startReceiver();
  lambda = await startLambdaServer();
  worker = await startWorkerProcess(
    prefix,
    {
      NODE_OPTIONS: `--import ${path.resolve(import.meta.dirname, "../helpers/module-trace.mjs")}`,
      HERALD_TEST_TRACE_MODULES: "@aws-sdk/",
      // The SDK's standard credential chain reads these (LocalStack-style dummy credentials).
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
    },
    { bundled: true },
  );
});

afterAll(async () => {
  await worker?.terminate();
  await lambda?.close();
  await receiver?.close();
  await closeQueues();
});

const unbatched = { batching: { enabled: false, durationMs: 50, maxBatchSize: 100 } };

describe("Lambda endpoints in the bundled worker", () => {
  it("delivers over HTTP without loading the AWS SDK", async () => {
    const app = await makeApp(unbatched);
    const hook = `/${uniqueId("http")}`;
    await makeEndpoint(app.id, { url: receiver.url(hook), eventTypes: ["client_event"] });
    expect(
      (
        await ingest(app.id, [
          { id: "h-1", name: "client_event", channel: "c", event: "client-x", data: "h-1" },
        ])
      ).status,
    ).toBe(202);
    await eventually(() => receiver.at(hook).length === 1, {
      timeoutMs: 20_000,
      what: "the HTTP delivery",
    });
    expect(worker.output()).toContain("worker ready");
    expect(worker.output()).not.toContain("module-trace: @aws-sdk/");
  });

  it("loads the SDK on the first Lambda delivery and invokes the function with the signed body", async () => {
    const app = await makeApp(unbatched);
    const functionName = uniqueId("fn");
    const endpoint = await makeEndpoint(app.id, {
      eventTypes: ["client_event"],
      lambda: {
        functionName,
        region: "eu-west-1",
        invocationType: "Event",
        endpointUrl: lambda.endpointUrl,
      },
    });
    const events = ["l-1", "l-2"].map((id) => ({
      id,
      name: "client_event",
      channel: "c",
      event: "client-x",
      data: id,
    }));
    for (const event of events) expect((await ingest(app.id, [event])).status).toBe(202);

    const invocations = () =>
      lambda.invocations.filter((entry) => entry.functionName === functionName);
    await eventually(() => invocations().length === 2, {
      timeoutMs: 20_000,
      what: "two Lambda invocations",
    });
    const deliveries = await eventually(async () => {
      const rows = await db.delivery.findMany({
        where: { endpointId: endpoint.id, status: "succeeded" },
        orderBy: { createdAt: "asc" },
      });
      return rows.length === 2 ? rows : null;
    });
    // The exact stored body is the payload, and Lambda's 202 is the recorded status.
    expect(
      invocations()
        .map((entry) => entry.payload)
        .sort(),
    ).toEqual(deliveries.map((delivery) => delivery.body).sort());
    expect(invocations().every((entry) => entry.invocationType === "Event")).toBe(true);
    expect(deliveries.map((delivery) => delivery.lastResponseStatus)).toEqual([202, 202]);
    // Each attempt records its target as the dashboard names the endpoint, so old log rows are
    // not shown as sent somewhere else.
    const attempts = await db.attempt.findMany({
      where: { deliveryId: { in: deliveries.map((delivery) => delivery.id) } },
    });
    expect(attempts.map((attempt) => attempt.target)).toEqual([
      `lambda:${functionName}`,
      `lambda:${functionName}`,
    ]);
    // Imported once, on demand.
    await eventually(() => worker.output().includes(SDK_LOADED), {
      timeoutMs: 5_000,
      what: "the SDK import in the worker",
    });
    expect(
      worker
        .output()
        .split("\n")
        .filter((line) => line === SDK_LOADED),
    ).toHaveLength(1);
  });
});
