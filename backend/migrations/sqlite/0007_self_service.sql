-- The contact's own withdrawal. A report link is made with the receipt and lives as long as
-- the certificate; like the collect link, only its hash is kept. Its code guards the
-- withdrawal the way the collect code guards the download: tries taken before comparing,
-- a cooldown and a cap on codes.
CREATE TABLE reports (
    token_hash BLOB PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (id),
    serial TEXT NOT NULL REFERENCES certificates (serial),
    expires_at INTEGER NOT NULL,
    code_mac BLOB,
    code_expires_at INTEGER NOT NULL DEFAULT 0,
    code_attempts INTEGER NOT NULL DEFAULT 0,
    code_sent_at INTEGER NOT NULL DEFAULT 0,
    codes_sent INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX reports_by_order ON reports (order_id);

-- When the contact asked support for a new certificate (after a withdrawal).
ALTER TABLE orders ADD COLUMN renewal_requested_at INTEGER;
CREATE INDEX orders_renewal_requested ON orders (renewal_requested_at)
    WHERE renewal_requested_at IS NOT NULL;
