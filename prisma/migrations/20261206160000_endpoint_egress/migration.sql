-- Egress per endpoint: an HTTP CONNECT proxy ("direct", or its URL, encrypted as it may carry
-- credentials; NULL = HERALD_EGRESS_PROXY) and a TLS client certificate for mTLS (the private key
-- encrypted like other secrets; an optional CA bundle for the receiver's certificate).
ALTER TABLE "endpoints"
  ADD COLUMN "proxy_encrypted" TEXT,
  ADD COLUMN "tls_client_certificate" TEXT,
  ADD COLUMN "tls_client_key_encrypted" TEXT,
  ADD COLUMN "tls_ca" TEXT;
