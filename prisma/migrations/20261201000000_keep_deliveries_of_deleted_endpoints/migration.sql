-- Deleting an endpoint keeps its deliveries (and their attempts) in the log: the service cancels
-- the unsent ones first, then the foreign key clears endpoint_id instead of deleting the rows.
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_endpoint_id_fkey";
ALTER TABLE "deliveries" ALTER COLUMN "endpoint_id" DROP NOT NULL;
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE SET NULL ON UPDATE CASCADE;
