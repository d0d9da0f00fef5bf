-- The routing queue moves out of the events table: routing deleted a narrow row instead of
-- rewriting the event row (and its six index entries) to set routed_at.
CREATE TABLE "unrouted_events" (
    "app_id" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,

    CONSTRAINT "unrouted_events_pkey" PRIMARY KEY ("app_id","seq")
);

ALTER TABLE "unrouted_events" ADD CONSTRAINT "unrouted_events_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "apps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Events waiting when this migration runs stay waiting.
INSERT INTO "unrouted_events" ("app_id", "seq") SELECT "app_id", "seq" FROM "events" WHERE "routed_at" IS NULL;

DROP INDEX "events_unrouted_app_seq_idx";
DROP INDEX "events_routed_at_seq_idx";
ALTER TABLE "events" DROP COLUMN "routed_at";
