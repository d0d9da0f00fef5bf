import { v7 as uuidv7 } from "uuid";
import { getRedis, queuePrefix } from "../lib/redis";
import { logger } from "../lib/logger";
import { metrics } from "../lib/metrics/registry";
import type { DirectClaim } from "../lib/engine/route";
import type { ClaimedRow } from "../lib/engine/send";
import { DELIVER_CHUNK } from "../lib/jobs/definitions";
import { chunk } from "../lib/util";

// The direct path (lib/engine/route.ts, DirectClaim): routing writes new deliveries already
// claimed for this worker, which sends them when the routing commits, with no deliver job. Each
// routing pass's claim has a Redis lock of its own, `<claim>:lock`, renewed while its deliveries are
// in flight and deleted when they are recorded: the reconciler reads it exactly as a deliver job's
// lock, so a worker that dies (lock expired) or a send that failed (lock deleted) leaves its
// deliveries to be taken back and sent again.

/** As a deliver job's lock (worker/registry.ts): a dead worker's claims go back ~10 s later. */
const LOCK_MS = 10_000;
const RENEW_EVERY_MS = 3_000;

const lockKey = (claimJobId: string) => `${claimJobId}:lock`;

export class DirectSends {
  /** Deliveries taken for a routing pass or in flight on the direct path. */
  private inFlight = 0;
  /** Each open claim: how much of the room its routing pass has taken so far. */
  private readonly claims = new Map<string, { taken: number }>();
  private readonly running = new Set<Promise<void>>();
  private renewal: NodeJS.Timeout | undefined;

  /** `limit`: deliveries at most on the direct path at once; beyond it routing queues deliver jobs. */
  constructor(private readonly limit: number) {}

  /**
   * A claim for one routing pass, its lock taken before routing writes it into any row; null when
   * there is no room or Redis did not take the lock. The pass takes room as its pages need it
   * (DirectClaim.take), so passes running side by side share it. Every claim must be passed to
   * start().
   */
  async reserve(): Promise<DirectClaim | null> {
    if (this.inFlight >= this.limit) return null;
    const claimJobId = `${queuePrefix()}:direct:${uuidv7()}`;
    try {
      await getRedis().set(lockKey(claimJobId), "1", "PX", LOCK_MS);
    } catch (error) {
      // No lock, no claim: this pass writes deliver jobs, as without the direct path.
      logger.warn({ err: error }, "direct claim lock not set; routing queues deliver jobs");
      return null;
    }
    const state = { taken: 0 };
    this.claims.set(claimJobId, state);
    this.renewal ??= setInterval(() => this.renew(), RENEW_EVERY_MS).unref();
    const take = (wanted: number) => {
      const granted = Math.max(0, Math.min(wanted, this.limit - this.inFlight));
      this.inFlight += granted;
      state.taken += granted;
      return granted;
    };
    return { claimJobId, take, claimed: [] };
  }

  /**
   * Sends the deliveries routing wrote under `claim`, through `send` in chunks of an endpoint's
   * (each chunk checks the endpoint's config again, as a deliver job does), and gives back the
   * room the pass did not use.
   */
  start(
    claim: DirectClaim,
    send: (endpointId: string, deliveries: ClaimedRow[]) => Promise<unknown>,
  ): void {
    const { claimed } = claim;
    // Room taken for pages that did not commit goes back now.
    this.inFlight -= (this.claims.get(claim.claimJobId)?.taken ?? 0) - claimed.length;
    // Not counted as due by the backlog metrics (they are `delivering`): this gauge shows them.
    const gauge = metrics().directDeliveries;
    gauge.inc(claimed.length);
    const byEndpoint = new Map<string, ClaimedRow[]>();
    for (const delivery of claimed) {
      const rows = byEndpoint.get(delivery.endpointId);
      if (rows) rows.push(delivery);
      else byEndpoint.set(delivery.endpointId, [delivery]);
    }
    const sendChunks = async (endpointId: string, chunks: ClaimedRow[][]) => {
      for (let next = chunks.shift(); next; next = chunks.shift())
        await send(endpointId, next).catch((error: unknown) =>
          // Left `delivering`: with the lock gone the reconciler takes them back.
          logger.error({ err: error, endpointId }, "direct send failed; the reconciler retries"),
        );
    };
    const task = Promise.all(
      [...byEndpoint].flatMap(([endpointId, deliveries]) => {
        const chunks = chunk(deliveries, DELIVER_CHUNK);
        // Two chunks at a time, so the endpoint's request slots do not wait for a chunk's last
        // answer.
        return [sendChunks(endpointId, chunks), sendChunks(endpointId, chunks)];
      }),
    )
      .then(() => undefined)
      .finally(() => {
        this.inFlight -= claimed.length;
        gauge.dec(claimed.length);
        this.release(claim.claimJobId);
        this.running.delete(task);
      });
    this.running.add(task);
  }

  /** Resolves when every direct send of this worker has been recorded. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  private release(claimJobId: string): void {
    this.claims.delete(claimJobId);
    if (this.claims.size === 0) {
      clearInterval(this.renewal);
      this.renewal = undefined;
    }
    getRedis()
      .del(lockKey(claimJobId))
      .catch((error: unknown) => logger.warn({ err: error }, "direct claim lock not deleted"));
  }

  /** SET, not PEXPIRE: a lock lost with Redis's data comes back while its sends still run. */
  private renew(): void {
    for (const claimJobId of this.claims.keys())
      getRedis()
        .set(lockKey(claimJobId), "1", "PX", LOCK_MS)
        .catch((error: unknown) => logger.warn({ err: error }, "direct claim lock not renewed"));
  }
}
