import { logger } from "../logger";
import { QUEUES } from "../jobs/definitions";
import { orderReleaseJobIdPrefix } from "../jobs/ids";
import { deliverJobs, enqueue, type DueDelivery } from "../jobs/queues";
import type { DeliveryRow } from "./deliveries";

// Delivery in order per channel (docs/engine.md#ordering). For endpoints with ordering "channel",
// every unfinished delivery has one delivery_channels row per channel, numbered in the order the
// deliveries were written. A delivery is claimed only when it is first in each of its channels,
// and its rows are deleted by the statement that ends it, so the order lives in Postgres: any
// number of workers, a killed worker or a flushed Redis cannot send two of a channel at once.
// Endpoints with ordering "none" write no rows and skip the check (the OR below short-circuits).

/**
 * The head rule, a condition on the delivery `d` joined to its endpoint `e`: each of d's rows is
 * the first (smallest position) of its endpoint and channel. A delivery without rows (written
 * before the endpoint switched to "channel") is outside the order. Written as scalar subqueries:
 * as NOT EXISTS, the planner may hash the whole table's non-heads once per claim (it did, with the
 * statistics of a table that was empty at the last analyze), where this is two index probes a row.
 */
export const HEAD_RULE = `(e.ordering = 'none' OR coalesce((
  SELECT bool_and(mine.position = (
    SELECT min(first.position) FROM delivery_channels first
    WHERE first.endpoint_id = mine.endpoint_id AND first.channel = mine.channel))
  FROM delivery_channels mine WHERE mine.delivery_id = d.id), true))`;

/**
 * A CTE that writes the channel rows of the ordered deliveries among `rows` (deliveryRows() passed
 * as JSON in parameter `json`), in their order (their uuid v7 ids, made in order by one process),
 * to be put after the CTE that inserts them; "" when none is ordered, so other endpoints pay
 * nothing.
 */
export function orderedChannelsCte(name: string, json: string, rows: DeliveryRow[]): string {
  if (!rows.some((row) => row.ordered && row.status === "pending")) return "";
  return `, ${name} AS (
    INSERT INTO delivery_channels (endpoint_id, channel, delivery_id)
    SELECT r.endpoint_id::uuid, c.channel, r.id::uuid
    FROM jsonb_to_recordset(${json}::jsonb) AS r(id text, endpoint_id text, channels jsonb, status text, ordered boolean)
    CROSS JOIN LATERAL jsonb_array_elements_text(r.channels) AS c(channel)
    WHERE r.ordered AND r.status = 'pending'
    ORDER BY r.id::uuid
  )`;
}

/**
 * CTEs to put after `updated` (deliveries whose outcome was just written, with their id and
 * status): the rows of those that ended go, and `heads` are the deliveries now first in a channel
 * they released. A delivery still retrying keeps its rows: it holds its channels.
 */
export const RELEASE_CTES = `released AS (
  DELETE FROM delivery_channels o
  WHERE o.delivery_id = ANY(ARRAY(SELECT id FROM updated WHERE status IN ('succeeded', 'failed', 'cancelled')))
  RETURNING o.endpoint_id, o.channel, o.delivery_id
), heads AS (
  SELECT DISTINCT d.id::text AS id, d.endpoint_id::text AS endpoint_id, d.attempt_count
  FROM (SELECT DISTINCT endpoint_id, channel FROM released) r
  CROSS JOIN LATERAL (
    SELECT o.delivery_id FROM delivery_channels o
    WHERE o.endpoint_id = r.endpoint_id AND o.channel = r.channel
      AND o.delivery_id NOT IN (SELECT delivery_id FROM released)
    ORDER BY o.position LIMIT 1
  ) next
  JOIN deliveries d ON d.id = next.delivery_id AND d.status IN ('pending', 'retrying')
)`;

/**
 * Deliver jobs for deliveries a finished delivery let go first in their channel. Their own jobs
 * found them held and ended; these are named after the delivery that released them, so racing
 * workers queue them once. Should Redis fail, the reconciler queues them (they are overdue heads).
 */
export async function wakeHeads(
  heads: { id: string; endpoint_id: string; attempt_count: number }[],
  releasedBy: string,
): Promise<void> {
  if (heads.length === 0) return;
  const due: DueDelivery[] = heads.map((row) => ({
    id: row.id,
    endpointId: row.endpoint_id,
    attemptNumber: row.attempt_count + 1,
  }));
  await enqueue(QUEUES.deliver, deliverJobs(due, orderReleaseJobIdPrefix(releasedBy))).catch(
    (error) =>
      logger.warn(
        { err: error, endpointId: due[0]!.endpointId },
        "deliveries released by their channel not enqueued; the reconciler will",
      ),
  );
}
