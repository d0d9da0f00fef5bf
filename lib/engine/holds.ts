import { hotTransaction, type HotClient } from "../pg";
import type { PresenceGrace, SubscriptionCountThrottle } from "../validation/common";

// Events held back from routing (docs/presence.md): presence grace holds member_removed and
// channel_vacated so a quick reconnect cancels both events out; subscription_count coalescing holds
// a channel's later counts until its window ends, each replacing the one before. Holds live in Postgres
// (held_events); a delayed routing job releases them when due, the reconciler if Redis lost that
// job. Intake and release take the same transaction advisory lock per app+channel, so for a held
// event exactly one of "suppressed by its pair" or "released to routing" happens.

/** What intake decides for an event beyond storing it. */
export type HoldableEvent = {
  id: string;
  name: string;
  channel: string;
  userId: string | null;
  /** Held this long before routing (null: routed at once). */
  holdMs: number | null;
  holdKind: "grace" | "throttle" | null;
  /** The event it cancelled out with (then it is never routed). */
  suppressedBy: string | null;
  /** The later event that replaced it (then it is never routed). */
  collapsedInto: string | null;
};

/** The event each name cancels when it arrives within the other's grace. */
const CANCELS: Record<string, string> = {
  member_added: "member_removed",
  channel_occupied: "channel_vacated",
};
const HELD_BY_GRACE = new Set(Object.values(CANCELS));

/** The presence events grace looks at. */
export const isPresenceGraceEvent = (name: string) => HELD_BY_GRACE.has(name) || name in CANCELS;

/** Member events pair by channel and user id, channel events by channel. */
const pairKey = (name: string, channel: string, userId: string | null) =>
  name.startsWith("member_") ? `member|${channel}|${userId ?? ""}` : `channel|${channel}`;

/** The lock intake and release take for one channel of an app. */
const channelLockKey = (appId: string, channel: string) => `${appId}|${channel}`;

/** Transaction advisory locks on these channels, in a fixed order so two holders never deadlock. */
export async function lockChannels(
  client: HotClient,
  appId: string,
  channels: Iterable<string>,
): Promise<void> {
  const keys = [...new Set(channels)].map((channel) => channelLockKey(appId, channel)).sort();
  if (keys.length === 0) return;
  await client.query(
    `SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0)))
     FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS sorted`,
    [keys],
  );
}

/** A held event in Postgres that a newly arrived event cancelled out with. */
export type StoredSuppression = { seq: string; by: string };

/** An event a hold works on: one already held (stored), or one of the request being ingested. */
type HoldCandidate = { stored: { seq: string; id: string } } | { fresh: HoldableEvent };

/** Which of these event ids the app already stored: a resent webhook must not act again. */
async function storedEventIds(client: HotClient, appId: string, events: { id: string }[]) {
  const { rows } = await client.query<{ id: string }>(
    "SELECT id FROM events WHERE app_id = $1 AND id = ANY($2::text[])",
    [appId, events.map((event) => event.id)],
  );
  return new Set(rows.map((row) => row.id));
}

/**
 * Decides holds and suppressions for a request's events, in arrival order, under the channel locks
 * (the caller holds them). Marks the events; returns the stored held events to suppress, which the
 * caller writes only if the event that cancels them is really inserted.
 */
export async function applyPresenceGrace(
  client: HotClient,
  appId: string,
  grace: PresenceGrace,
  events: HoldableEvent[],
): Promise<Map<string, StoredSuppression>> {
  const suppressions = new Map<string, StoredSuppression>();
  const relevant = events.filter((event) => isPresenceGraceEvent(event.name));
  if (!grace.enabled || relevant.length === 0) return suppressions;
  const channels = [...new Set(relevant.map((event) => event.channel))];
  // Held events still inside their grace (a due one is the release's, even if not yet released),
  // and ids already stored (a resent webhook must not cancel anything).
  const [{ rows: held }, duplicate] = await Promise.all([
    client.query<{
      id: string;
      seq: string;
      name: string;
      channel: string;
      user_id: string | null;
    }>(
      `SELECT e.id, e.seq::text AS seq, e.name, e.channel, e.user_id
       FROM held_events h JOIN events e ON e.seq = h.seq
       WHERE h.app_id = $1 AND h.kind = 'grace' AND h.channel = ANY($2::text[])
         AND h.release_at > clock_timestamp() AT TIME ZONE 'UTC'
       ORDER BY h.seq`,
      [appId, channels],
    ),
    storedEventIds(client, appId, relevant),
  ]);
  const waiting = new Map<string, HoldCandidate[]>();
  const wait = (key: string, entry: HoldCandidate) => {
    const list = waiting.get(key);
    if (list) list.push(entry);
    else waiting.set(key, [entry]);
  };
  for (const row of held)
    wait(pairKey(row.name, row.channel, row.user_id), { stored: { seq: row.seq, id: row.id } });

  for (const event of relevant) {
    if (duplicate.has(event.id)) continue;
    if (HELD_BY_GRACE.has(event.name)) {
      event.holdMs = grace.durationMs;
      event.holdKind = "grace";
      wait(pairKey(event.name, event.channel, event.userId), { fresh: event });
      continue;
    }
    // Only removed-then-added cancels: the latest held removal of the same pair.
    const pair = waiting.get(pairKey(CANCELS[event.name]!, event.channel, event.userId))?.pop();
    if (!pair) continue;
    if ("fresh" in pair) {
      pair.fresh.holdMs = null;
      pair.fresh.holdKind = null;
      pair.fresh.suppressedBy = event.id;
      event.suppressedBy = pair.fresh.id;
    } else {
      event.suppressedBy = pair.stored.id;
      suppressions.set(event.id, { seq: pair.stored.seq, by: event.id });
    }
  }
  return suppressions;
}

/** Marks stored held events suppressed and takes them off the held queue (same transaction). */
export async function suppressStored(
  client: HotClient,
  appId: string,
  suppressions: StoredSuppression[],
): Promise<void> {
  if (suppressions.length === 0) return;
  await client.query(
    `WITH gone AS (
       DELETE FROM held_events WHERE app_id = $1 AND seq = ANY($2::bigint[]) RETURNING seq
     )
     UPDATE events e SET suppressed_by = s.by
     FROM unnest($2::bigint[], $3::text[]) AS s(seq, by)
     WHERE e.seq = s.seq AND e.seq IN (SELECT seq FROM gone)`,
    [appId, suppressions.map((entry) => entry.seq), suppressions.map((entry) => entry.by)],
  );
}

/** A stored held subscription_count replaced by a new one, and channels whose window opens now. */
export type ThrottleWrites = {
  collapses: Map<string, { seq: string; by: string }>;
  windows: Map<string, string>;
};

/**
 * Coalesces subscription_count per channel, in arrival order, under the channel locks (the
 * caller holds them): in a quiet channel the event routes at once and opens a window; within the
 * window it is held until the window ends, and a held one before it (stored or in this request)
 * collapses into it. Returns what to write for the events that really get inserted.
 */
export async function applySubscriptionThrottle(
  client: HotClient,
  appId: string,
  throttle: SubscriptionCountThrottle,
  events: HoldableEvent[],
): Promise<ThrottleWrites> {
  const writes: ThrottleWrites = { collapses: new Map(), windows: new Map() };
  const counts = events.filter((event) => event.name === "subscription_count");
  if (!throttle.enabled || counts.length === 0) return writes;
  const channels = [...new Set(counts.map((event) => event.channel))];
  const [{ rows: state }, duplicate] = await Promise.all([
    client.query<{
      channel: string;
      remaining_ms: number | null;
      held_seq: string | null;
      held_id: string | null;
    }>(
      `SELECT c.channel,
         greatest(0, ceil(extract(epoch FROM w.window_until - (clock_timestamp() AT TIME ZONE 'UTC')) * 1000))::int AS remaining_ms,
         h.seq::text AS held_seq, e.id AS held_id
       FROM unnest($2::text[]) AS c(channel)
       LEFT JOIN subscription_count_windows w ON w.app_id = $1 AND w.channel = c.channel
       LEFT JOIN held_events h ON h.app_id = $1 AND h.channel = c.channel AND h.kind = 'throttle'
       LEFT JOIN events e ON e.seq = h.seq`,
      [appId, channels],
    ),
    storedEventIds(client, appId, counts),
  ]);
  const channelState = new Map<string, { remainingMs: number; pending: HoldCandidate | null }>();
  for (const row of state)
    channelState.set(row.channel, {
      remainingMs: row.remaining_ms ?? 0,
      pending: row.held_seq ? { stored: { seq: row.held_seq, id: row.held_id! } } : null,
    });

  for (const event of counts) {
    if (duplicate.has(event.id)) continue;
    const channel = channelState.get(event.channel) ?? { remainingMs: 0, pending: null };
    channelState.set(event.channel, channel);
    if (!channel.pending && channel.remainingMs === 0) {
      // Quiet channel: this one goes now and opens the window.
      writes.windows.set(event.id, event.channel);
      channel.remainingMs = throttle.windowMs;
      continue;
    }
    // A held one whose window already ended (not yet released) is replaced all the same, and the
    // latest count goes at once.
    event.holdMs = channel.remainingMs;
    event.holdKind = "throttle";
    if (channel.pending && "fresh" in channel.pending) {
      channel.pending.fresh.holdMs = null;
      channel.pending.fresh.holdKind = null;
      channel.pending.fresh.collapsedInto = event.id;
    } else if (channel.pending) {
      writes.collapses.set(event.id, { seq: channel.pending.stored.seq, by: event.id });
    }
    channel.pending = { fresh: event };
  }
  return writes;
}

/**
 * Writes a request's throttle decisions for the events it inserted: stored held events replaced
 * (marked collapsed and taken off the held queue), and windows opened.
 */
export async function writeThrottle(
  client: HotClient,
  appId: string,
  windowMs: number,
  writes: ThrottleWrites,
  inserted: Set<string>,
): Promise<void> {
  const collapses = [...writes.collapses]
    .filter(([id]) => inserted.has(id))
    .map(([, collapse]) => collapse);
  if (collapses.length > 0)
    await client.query(
      `WITH gone AS (
         DELETE FROM held_events WHERE app_id = $1 AND seq = ANY($2::bigint[]) RETURNING seq
       )
       UPDATE events e SET collapsed_into = s.by
       FROM unnest($2::bigint[], $3::text[]) AS s(seq, by)
       WHERE e.seq = s.seq AND e.seq IN (SELECT seq FROM gone)`,
      [appId, collapses.map((entry) => entry.seq), collapses.map((entry) => entry.by)],
    );
  const channels = [...writes.windows].filter(([id]) => inserted.has(id)).map(([, ch]) => ch);
  if (channels.length > 0)
    await client.query(
      `INSERT INTO subscription_count_windows (app_id, channel, window_until)
       SELECT $1, c, (clock_timestamp() AT TIME ZONE 'UTC') + make_interval(secs => $3 / 1000.0)
       FROM unnest($2::text[]) AS c
       ON CONFLICT (app_id, channel) DO UPDATE SET window_until = EXCLUDED.window_until`,
      [appId, channels, windowMs],
    );
}

/** Channels released per transaction (each is one advisory lock held until the commit). */
const RELEASE_CHANNELS = 500;

/**
 * Moves the app's due held events to the routing queue. Under the same channel locks as intake,
 * and the delete is the claim: a release that runs twice (delayed job and reconciler) moves each
 * event once. Returns how many were released.
 */
export async function releaseDueHolds(appId: string): Promise<number> {
  let released = 0;
  for (;;) {
    const page = await hotTransaction(async (client) => {
      const { rows } = await client.query<{ channel: string }>(
        `SELECT DISTINCT channel FROM held_events
         WHERE app_id = $1 AND release_at <= clock_timestamp() AT TIME ZONE 'UTC'
         ORDER BY channel LIMIT ${RELEASE_CHANNELS}`,
        [appId],
      );
      if (rows.length === 0) return { channels: 0, events: 0 };
      const channels = rows.map((row) => row.channel);
      await lockChannels(client, appId, channels);
      const { rows: moved } = await client.query<{ count: number }>(
        `WITH released AS (
           DELETE FROM held_events
           WHERE app_id = $1 AND channel = ANY($2::text[])
             AND release_at <= clock_timestamp() AT TIME ZONE 'UTC'
           RETURNING seq, channel, kind
         ),
         queued AS (
           INSERT INTO unrouted_events (app_id, seq) SELECT $1, seq FROM released
           ON CONFLICT DO NOTHING
         ),
         -- A subscription_count sent at the end of its window opens the next one.
         windows AS (
           INSERT INTO subscription_count_windows (app_id, channel, window_until)
           SELECT $1, r.channel, (clock_timestamp() AT TIME ZONE 'UTC') + make_interval(secs => a.subscription_count_window_ms / 1000.0)
           FROM released r JOIN apps a ON a.id = $1 WHERE r.kind = 'throttle'
           ON CONFLICT (app_id, channel) DO UPDATE SET window_until = EXCLUDED.window_until
         )
         SELECT count(*)::int AS count FROM released`,
        [appId, channels],
      );
      return { channels: channels.length, events: moved[0]?.count ?? 0 };
    });
    released += page.events;
    if (page.channels < RELEASE_CHANNELS) return released;
  }
}
