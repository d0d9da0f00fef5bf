-- Per endpoint: deliver in any order (every existing endpoint), or in order per channel.
CREATE TYPE "EndpointOrdering" AS ENUM ('none', 'channel');

ALTER TABLE "endpoints" ADD COLUMN "ordering" "EndpointOrdering" NOT NULL DEFAULT 'none';

-- The unfinished deliveries of endpoints with ordering 'channel', one row per channel, in the
-- order they were written: a delivery may be sent only when it is the first of each of its
-- channels. Rows go when their delivery ends.
CREATE TABLE "delivery_channels" (
    "endpoint_id" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "position" BIGSERIAL NOT NULL,
    "delivery_id" UUID NOT NULL,

    CONSTRAINT "delivery_channels_pkey" PRIMARY KEY ("endpoint_id", "channel", "position")
);

CREATE INDEX "delivery_channels_delivery_id_idx" ON "delivery_channels"("delivery_id");

ALTER TABLE "delivery_channels" ADD CONSTRAINT "delivery_channels_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;
