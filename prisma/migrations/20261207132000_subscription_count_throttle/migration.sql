-- subscription_count coalescing per channel, off by default.
ALTER TABLE "apps" ADD COLUMN "subscription_count_throttle_enabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "subscription_count_window_ms" INTEGER NOT NULL DEFAULT 5000;

-- A channel's open window; the held latest event of the window is in held_events (kind throttle).
CREATE TABLE "subscription_count_windows" (
    "app_id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "window_until" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "subscription_count_windows_pkey" PRIMARY KEY ("app_id","channel")
);

ALTER TABLE "subscription_count_windows" ADD CONSTRAINT "subscription_count_windows_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "apps"("id") ON DELETE CASCADE ON UPDATE CASCADE;
