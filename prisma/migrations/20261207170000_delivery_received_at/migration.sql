-- When a delivery's first event was received: where herald_delivery_lag_seconds starts. Null for
-- deliveries written before this column (the lag then starts at the delivery's creation) and for
-- the Test button's deliveries. A nullable column without a default: adding it rewrites nothing.
ALTER TABLE "deliveries" ADD COLUMN "received_at" TIMESTAMP(3);
