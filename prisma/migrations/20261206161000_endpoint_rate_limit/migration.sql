-- Requests per second an endpoint accepts, across every worker; null = no limit.
ALTER TABLE "endpoints" ADD COLUMN "rate_limit_per_second" INTEGER;
