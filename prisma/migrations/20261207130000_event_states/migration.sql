-- An event's own state beyond routed: held (presence grace, subscription_count window) and
-- suppressed (a presence flap). collapsed_into already says collapsed.
ALTER TABLE "events" ADD COLUMN "held_until" TIMESTAMP(3),
ADD COLUMN "suppressed_by" TEXT;

-- Events of the events log filtered by user.
CREATE INDEX "events_app_id_user_id_received_at_idx" ON "events"("app_id", "user_id", "received_at");

-- Events held back from routing until release_at: a narrow queue like unrouted_events. A release
-- deletes the row and queues the event for routing in one transaction.
CREATE TABLE "held_events" (
    "app_id" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "channel" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "release_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "held_events_pkey" PRIMARY KEY ("app_id","seq")
);

CREATE INDEX "held_events_release_at_idx" ON "held_events"("release_at");

ALTER TABLE "held_events" ADD CONSTRAINT "held_events_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "apps"("id") ON DELETE CASCADE ON UPDATE CASCADE;
