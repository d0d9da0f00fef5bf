-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('pending', 'delivering', 'succeeded', 'retrying', 'failed', 'cancelled');
CREATE TYPE "AttemptTrigger" AS ENUM ('auto', 'manual');
CREATE TYPE "EndpointKind" AS ENUM ('http', 'lambda');
CREATE TYPE "JobStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed');

-- CreateTable
CREATE TABLE "apps" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "secret_encrypted" TEXT NOT NULL,
    "previous_secret_encrypted" TEXT,
    "previous_secret_expires_at" TIMESTAMP(3),
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "batching_enabled" BOOLEAN NOT NULL DEFAULT true,
    "batching_duration_ms" INTEGER NOT NULL DEFAULT 50,
    "batching_max_batch_size" INTEGER NOT NULL DEFAULT 100,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "apps_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "endpoints" (
    "id" UUID NOT NULL,
    "app_id" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" "EndpointKind" NOT NULL,
    "url" TEXT,
    "lambda" JSONB,
    "event_types" TEXT[],
    "filter" JSONB NOT NULL DEFAULT '{}',
    "headers_encrypted" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "disabled_reason" TEXT,
    "disabled_at" TIMESTAMP(3),
    "timeout_ms" INTEGER,
    "retry_schedule_seconds" JSONB,
    "batching" JSONB,
    "standard_webhooks_enabled" BOOLEAN NOT NULL DEFAULT true,
    "standard_webhooks_secret_encrypted" TEXT NOT NULL,
    "previous_standard_webhooks_secret_encrypted" TEXT,
    "previous_standard_webhooks_secret_expires_at" TIMESTAMP(3),
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "endpoints_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "event_types" (
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "schema" JSONB,
    "built_in" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "event_types_pkey" PRIMARY KEY ("name")
);

CREATE TABLE "events" (
    "seq" BIGSERIAL NOT NULL,
    "app_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "user_id" TEXT,
    "payload" JSONB NOT NULL,
    "time_ms" BIGINT NOT NULL,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "routed_at" TIMESTAMP(3),
    "collapsed_into" TEXT,
    CONSTRAINT "events_pkey" PRIMARY KEY ("seq")
);

CREATE TABLE "batch_items" (
    "id" BIGSERIAL NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "event_seq" BIGINT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "batch_items_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "deliveries" (
    "id" UUID NOT NULL,
    "app_id" TEXT NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "event_ids" TEXT[],
    "event_names" TEXT[],
    "channels" TEXT[],
    "body" TEXT NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempt_count" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMP(3),
    "last_attempt_at" TIMESTAMP(3),
    "last_response_status" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "deliveries_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "attempts" (
    "id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "trigger" "AttemptTrigger" NOT NULL DEFAULT 'auto',
    "request_headers" JSONB NOT NULL,
    "response_status" INTEGER,
    "response_headers" JSONB,
    "response_body" TEXT,
    "duration_ms" INTEGER NOT NULL,
    "error" TEXT,
    "started_at" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "attempts_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "app_id" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMP(3),
    "expires_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),
    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "background_jobs" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'queued',
    "app_id" TEXT,
    "params" JSONB NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "result" JSONB,
    "error" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "finished_at" TIMESTAMP(3),
    CONSTRAINT "background_jobs_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "audit_logs" (
    "id" UUID NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "resource_type" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "app_id" TEXT,
    "changes" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_logs_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "idempotency_keys" (
    "id" UUID NOT NULL,
    "principal" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "response_status" INTEGER NOT NULL,
    "response_body" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "apps_key_key" ON "apps"("key");
CREATE INDEX "endpoints_app_id_created_at_idx" ON "endpoints"("app_id", "created_at");
CREATE UNIQUE INDEX "events_app_id_id_key" ON "events"("app_id", "id");
CREATE INDEX "events_app_id_received_at_idx" ON "events"("app_id", "received_at");
CREATE INDEX "events_app_id_name_channel_received_at_idx" ON "events"("app_id", "name", "channel", "received_at");
CREATE INDEX "events_routed_at_seq_idx" ON "events"("routed_at", "seq");
CREATE UNIQUE INDEX "batch_items_endpoint_id_event_seq_key" ON "batch_items"("endpoint_id", "event_seq");
CREATE INDEX "batch_items_endpoint_id_id_idx" ON "batch_items"("endpoint_id", "id");
CREATE INDEX "batch_items_created_at_idx" ON "batch_items"("created_at");
CREATE INDEX "deliveries_app_id_id_idx" ON "deliveries"("app_id", "id" DESC);
CREATE INDEX "deliveries_app_id_status_id_idx" ON "deliveries"("app_id", "status", "id" DESC);
CREATE INDEX "deliveries_endpoint_id_id_idx" ON "deliveries"("endpoint_id", "id" DESC);
CREATE INDEX "deliveries_endpoint_id_status_created_at_idx" ON "deliveries"("endpoint_id", "status", "created_at");
CREATE INDEX "deliveries_status_next_attempt_at_idx" ON "deliveries"("status", "next_attempt_at");
CREATE INDEX "deliveries_event_names_idx" ON "deliveries" USING GIN ("event_names");
CREATE INDEX "deliveries_channels_idx" ON "deliveries" USING GIN ("channels");
CREATE INDEX "deliveries_event_ids_idx" ON "deliveries" USING GIN ("event_ids");
CREATE INDEX "deliveries_created_at_idx" ON "deliveries"("created_at");
CREATE UNIQUE INDEX "attempts_delivery_id_number_key" ON "attempts"("delivery_id", "number");
CREATE INDEX "attempts_started_at_idx" ON "attempts"("started_at");
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");
CREATE INDEX "background_jobs_app_id_created_at_idx" ON "background_jobs"("app_id", "created_at");
CREATE INDEX "audit_logs_created_at_idx" ON "audit_logs"("created_at");
CREATE INDEX "audit_logs_app_id_created_at_idx" ON "audit_logs"("app_id", "created_at");
CREATE UNIQUE INDEX "idempotency_keys_principal_key_key" ON "idempotency_keys"("principal", "key");
CREATE INDEX "idempotency_keys_created_at_idx" ON "idempotency_keys"("created_at");

-- AddForeignKey
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "apps"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "events" ADD CONSTRAINT "events_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "apps"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "batch_items" ADD CONSTRAINT "batch_items_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "apps"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "attempts" ADD CONSTRAINT "attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "apps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Built-in event-type catalog (SPEC section 1)
INSERT INTO "event_types" ("name", "description", "built_in", "updated_at") VALUES
  ('channel_occupied', 'A channel became occupied: its first subscriber joined.', true, CURRENT_TIMESTAMP),
  ('channel_vacated', 'A channel became empty: its last subscriber left.', true, CURRENT_TIMESTAMP),
  ('member_added', 'A user joined a presence channel.', true, CURRENT_TIMESTAMP),
  ('member_removed', 'A user left a presence channel.', true, CURRENT_TIMESTAMP),
  ('member_updated', 'A presence member''s user info changed.', true, CURRENT_TIMESTAMP),
  ('client_event', 'A client sent a client- event on a private or presence channel.', true, CURRENT_TIMESTAMP),
  ('cache_miss', 'A client subscribed to a cache channel that holds no cached event.', true, CURRENT_TIMESTAMP),
  ('subscription_count', 'The number of subscriptions to a channel changed.', true, CURRENT_TIMESTAMP),
  ('push.publish_accepted', 'A push publish request was accepted.', true, CURRENT_TIMESTAMP),
  ('push.publish_dispatched', 'A push publish was dispatched to providers.', true, CURRENT_TIMESTAMP),
  ('push.provider_accepted', 'A push provider accepted a notification.', true, CURRENT_TIMESTAMP),
  ('push.provider_rejected', 'A push provider rejected a notification.', true, CURRENT_TIMESTAMP),
  ('push.publish_failed', 'A push publish failed.', true, CURRENT_TIMESTAMP),
  ('push.device_invalidated', 'A device token was invalidated by its provider.', true, CURRENT_TIMESTAMP),
  ('push.scheduled_cancelled', 'A scheduled push was cancelled.', true, CURRENT_TIMESTAMP),
  ('push.delivery_status', 'A push provider reported a delivery status.', true, CURRENT_TIMESTAMP);
