-- Custody modes: an order whose key the customer makes (a certificate request) has no
-- certificate until the portal signs the request, and never a file. SQLite cannot drop a
-- NOT NULL, so orders is rebuilt, and collect_sessions with it (it refers to orders).
CREATE TABLE orders_v4 (
    id TEXT PRIMARY KEY,
    serial TEXT UNIQUE REFERENCES certificates (serial),
    custody TEXT NOT NULL DEFAULT 'server',
    org TEXT NOT NULL,
    service TEXT NOT NULL,
    client TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    email TEXT NOT NULL,
    mobile TEXT NOT NULL,
    key_type TEXT NOT NULL,
    profile TEXT NOT NULL,
    locale TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    renews_serial TEXT,
    supersede_on_collect INTEGER NOT NULL DEFAULT 1,
    link_hash BLOB NOT NULL UNIQUE,
    link_expires_at INTEGER NOT NULL,
    code_mac BLOB,
    code_expires_at INTEGER NOT NULL,
    code_attempts INTEGER NOT NULL DEFAULT 0,
    code_sent_at INTEGER NOT NULL,
    resends INTEGER NOT NULL DEFAULT 0,
    downloads INTEGER NOT NULL DEFAULT 0,
    bundle_sha256 BLOB,
    collected_at INTEGER
);

INSERT INTO orders_v4 (id, serial, org, service, client, contact_name, email, mobile, key_type,
    profile, locale, state, created_at, created_by, updated_at, renews_serial,
    supersede_on_collect, link_hash, link_expires_at, code_mac, code_expires_at, code_attempts,
    code_sent_at, resends, downloads, bundle_sha256, collected_at)
SELECT id, serial, org, service, client, contact_name, email, mobile, key_type, profile, locale,
    state, created_at, created_by, updated_at, renews_serial, supersede_on_collect, link_hash,
    link_expires_at, code_mac, code_expires_at, code_attempts, code_sent_at, resends, downloads,
    bundle_sha256, collected_at
FROM orders;

CREATE TABLE collect_sessions_v4 (
    token_hash BLOB PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders_v4 (id),
    expires_at INTEGER NOT NULL
);
INSERT INTO collect_sessions_v4 SELECT token_hash, order_id, expires_at FROM collect_sessions;

DROP TABLE collect_sessions;
DROP TABLE orders;
-- Renaming rewrites collect_sessions_v4's reference to the new name.
ALTER TABLE orders_v4 RENAME TO orders;
ALTER TABLE collect_sessions_v4 RENAME TO collect_sessions;
CREATE INDEX orders_by_created ON orders (created_at);
CREATE INDEX orders_by_state ON orders (state, link_expires_at);

-- The SHA-256 of each certificate's SubjectPublicKeyInfo (hex): a request's key must not be
-- that of another live certificate, nor of one revoked as keyCompromise. Certificates issued
-- before this column are filled in at start-up.
ALTER TABLE certificates ADD COLUMN key_sha256 TEXT;
CREATE INDEX certificates_by_key ON certificates (key_sha256);
