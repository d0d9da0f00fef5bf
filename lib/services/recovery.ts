import { db } from "../db";
import { AppError } from "../errors";
import type { Principal } from "../auth/types";
import { type Prisma } from "../generated/prisma/client";
import { deliverJobs, enqueue } from "../jobs/queues";
import { QUEUES } from "../jobs/definitions";
import { recoverJobId } from "../jobs/ids";
import { logger } from "../logger";
import type { RecoverInput } from "../validation/delivery-actions";
import { recordAudit } from "./audit";

// Recover: every failed delivery of an endpoint, or of a whole app, in a time range (optionally
// only some event types; never a Test button's sample) is sent again, one manual try each, by a
// background job whose progress the API shows.

/** endpointId null = the whole app: the failed deliveries of its endpoints that are enabled now. */
type RecoverParams = {
  endpointId: string | null;
  since: string;
  until: string;
  eventTypes: string[] | null;
};

function failedInRange(appId: string, params: RecoverParams): Prisma.DeliveryWhereInput {
  return {
    appId,
    ...(params.endpointId
      ? { endpointId: params.endpointId }
      : { endpoint: { is: { enabled: true } } }),
    status: "failed",
    test: false,
    createdAt: { gte: new Date(params.since), lt: new Date(params.until) },
    ...(params.eventTypes ? { eventNames: { hasSome: params.eventTypes } } : {}),
  };
}

/** Starts a recovery of one endpoint's failed deliveries, or (endpointId null) of the app's. */
export async function startRecovery(
  principal: Principal,
  appId: string,
  endpointId: string | null,
  input: RecoverInput,
): Promise<{ jobId: string }> {
  if (endpointId) {
    // Loaded on demand: the worker runs runRecovery and need not load the endpoint API's
    // validators.
    const { getEndpointRecord } = await import("./endpoints");
    const endpoint = await getEndpointRecord(appId, endpointId);
    if (!endpoint.enabled) {
      throw new AppError(
        "conflict",
        `Endpoint ${endpointId} is disabled (${endpoint.disabledReason ?? "by an operator"}); enable it before recovering`,
      );
    }
  } else {
    const { getAppRecord } = await import("./apps");
    await getAppRecord(appId);
  }
  if (input.eventTypes) {
    // A name that matches nothing would recover nothing, silently (a typo, say): refused. A type
    // deleted from the catalog since still names the deliveries made of it.
    const { assertEventTypesKnown } = await import("./event-types");
    const deliveryNamed = async (name: string) =>
      (await db.delivery.findFirst({
        where: { appId, eventNames: { has: name } },
        select: { id: true },
      })) !== null;
    await assertEventTypesKnown(input.eventTypes, {
      stillNamed: { test: deliveryNamed, where: "the event of any delivery of this app" },
    });
  }
  const params: RecoverParams = {
    endpointId,
    since: input.since.toISOString(),
    until: (input.until ?? new Date()).toISOString(),
    eventTypes: input.eventTypes ?? null,
  };
  const total = await db.delivery.count({ where: failedInRange(appId, params) });
  const job = await db.$transaction(async (tx) => {
    const created = await tx.backgroundJob.create({
      data: { type: "recover", appId, params, total, createdBy: principal.id },
    });
    await recordAudit(tx, principal, {
      action: endpointId ? "endpoint.recover_started" : "app.recover_started",
      resourceType: endpointId ? "endpoint" : "app",
      resourceId: endpointId ?? appId,
      appId,
      changes: { ...params, total },
    });
    return created;
  });
  // After commit so the worker finds the row; if Redis fails here the reconciler starts it.
  await enqueue(QUEUES.recover, [
    { jobId: recoverJobId(job.id), data: { backgroundJobId: job.id } },
  ]).catch((error) =>
    logger.warn(
      { err: error, jobId: job.id },
      "recover job not enqueued; the reconciler will start it",
    ),
  );
  return { jobId: job.id };
}

const PAGE = 500;

/** Idempotent: deliveries already re-queued are no longer failed, so a re-run skips them. */
export async function runRecovery(backgroundJobId: string): Promise<void> {
  const job = await db.backgroundJob.findUnique({ where: { id: backgroundJobId } });
  if (!job || job.status === "succeeded" || job.status === "failed" || !job.appId) return;
  const params = job.params as RecoverParams;
  await db.backgroundJob.update({ where: { id: job.id }, data: { status: "running" } });
  let processed = job.processed;
  let afterId: string | undefined;
  try {
    for (;;) {
      const page = await db.delivery.findMany({
        where: { ...failedInRange(job.appId, params), ...(afterId ? { id: { gt: afterId } } : {}) },
        orderBy: { id: "asc" },
        take: PAGE,
        select: { id: true, endpointId: true, attemptCount: true },
      });
      if (page.length === 0) break;
      afterId = page.at(-1)!.id;
      const ids = page.map((delivery) => delivery.id);
      await db.delivery.updateMany({
        where: { id: { in: ids }, status: "failed", endpointId: { not: null } }, // not if deleted since the read
        data: {
          status: "pending",
          nextAttemptAt: new Date(),
          nextAttemptTrigger: "manual",
          recoveryJobId: job.id,
        },
      });
      // failedInRange only matches deliveries whose endpoint still exists.
      const due = page.flatMap(({ id, endpointId, attemptCount }) =>
        endpointId ? [{ id, endpointId, attemptNumber: attemptCount + 1 }] : [],
      );
      await enqueue(QUEUES.deliver, deliverJobs(due));
      processed += page.length;
      await db.backgroundJob.update({
        where: { id: job.id },
        data: { processed, total: Math.max(job.total, processed) },
      });
    }
    await db.backgroundJob.update({
      where: { id: job.id },
      data: {
        status: "succeeded",
        processed,
        total: Math.max(job.total, processed),
        result: { requeued: processed },
        finishedAt: new Date(),
      },
    });
  } catch (error) {
    await db.backgroundJob.update({
      where: { id: job.id },
      data: { status: "failed", error: (error as Error).message, finishedAt: new Date() },
    });
    throw error;
  }
}
