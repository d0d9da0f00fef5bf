-- An attempt's request headers, kept once per distinct set instead of on every attempt row
-- (lib/engine/header-sets.ts). Masked, they are the same for every attempt of an endpoint but for
-- four values the attempt row already holds (the delivery id twice, the attempt number, the
-- signing second), which a set names in `derived` and the reader fills in again. About 360 bytes
-- of JSON per attempt become a 16-byte digest.
-- Sets are never deleted (a handful per endpoint configuration), so attempts need no foreign key:
-- one would cost a check per inserted attempt.
CREATE TABLE "request_header_sets" (
    "digest" UUID NOT NULL,
    "headers" JSONB NOT NULL,
    "derived" TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "request_header_sets_pkey" PRIMARY KEY ("digest")
);

-- Both instant: a nullable column with no default, and a NOT NULL dropped. Attempts written
-- before keep their own request_headers; new ones name a set instead.
ALTER TABLE "attempts" ADD COLUMN "request_header_set" UUID;
ALTER TABLE "attempts" ALTER COLUMN "request_headers" DROP NOT NULL;
