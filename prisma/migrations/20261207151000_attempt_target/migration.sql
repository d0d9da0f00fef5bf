-- Where each attempt was sent (URL, or Lambda function name/ARN): the endpoint's may change later.
ALTER TABLE "attempts" ADD COLUMN "target" TEXT;
