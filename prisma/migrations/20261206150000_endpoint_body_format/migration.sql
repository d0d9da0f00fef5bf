-- Per endpoint: Pusher's {time_ms, events} body (every existing endpoint), or Slack's {text}.
CREATE TYPE "BodyFormat" AS ENUM ('pusher', 'slack');

ALTER TABLE "endpoints" ADD COLUMN "body_format" "BodyFormat" NOT NULL DEFAULT 'pusher';
