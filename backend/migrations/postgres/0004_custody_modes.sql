-- Custody modes: an order whose key the customer makes (a certificate request) has no
-- certificate until the portal signs the request, and never a file.
ALTER TABLE orders ALTER COLUMN serial DROP NOT NULL;
ALTER TABLE orders ALTER COLUMN bundle_sha256 DROP NOT NULL;
ALTER TABLE orders ADD COLUMN custody TEXT NOT NULL DEFAULT 'server';
ALTER TABLE orders ADD CONSTRAINT orders_serial_unique UNIQUE (serial);

-- The SHA-256 of each certificate's SubjectPublicKeyInfo (hex): a request's key must not be
-- that of another live certificate, nor of one revoked as keyCompromise. Certificates issued
-- before this column are filled in at start-up.
ALTER TABLE certificates ADD COLUMN key_sha256 TEXT;
CREATE INDEX certificates_by_key ON certificates (key_sha256);
