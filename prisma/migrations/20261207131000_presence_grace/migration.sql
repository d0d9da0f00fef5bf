-- Presence grace (flap suppression), off by default.
ALTER TABLE "apps" ADD COLUMN "presence_grace_enabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "presence_grace_duration_ms" INTEGER NOT NULL DEFAULT 3000;
