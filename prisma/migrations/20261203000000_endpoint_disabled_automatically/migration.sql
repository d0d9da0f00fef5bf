-- Whether Herald disabled the endpoint itself (410 Gone, too many failed deliveries in a row) or a
-- person or token did: the dashboard shows the two differently. Existing rows are told apart by the
-- reasons the delivery engine writes.
ALTER TABLE "endpoints" ADD COLUMN "disabled_automatically" BOOLEAN NOT NULL DEFAULT false;
UPDATE "endpoints" SET "disabled_automatically" = true
WHERE NOT "enabled" AND ("disabled_reason" LIKE 'Disabled automatically after %' OR "disabled_reason" LIKE 'The endpoint answered 410 Gone %');
