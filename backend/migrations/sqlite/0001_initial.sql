-- Times are Unix seconds. Secrets are never stored in the clear: tokens and codes as hashes,
-- the PKCS#12 file, its password and message bodies sealed under the key-encryption key, and
-- wiped as soon as the flow no longer needs them.

CREATE TABLE certificates (
    serial TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    key_type TEXT NOT NULL,
    not_before INTEGER NOT NULL,
    not_after INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    der BLOB NOT NULL,
    revoked_at INTEGER,
    revocation_reason TEXT
);

CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    serial TEXT NOT NULL REFERENCES certificates (serial),
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
    bundle_sealed BLOB,
    bundle_sha256 BLOB NOT NULL,
    password_sealed BLOB,
    collected_at INTEGER
);

CREATE INDEX orders_by_created ON orders (created_at);
CREATE INDEX orders_by_state ON orders (state, link_expires_at);

CREATE TABLE collect_sessions (
    token_hash BLOB PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (id),
    expires_at INTEGER NOT NULL
);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT,
    body_sealed BLOB,
    purpose TEXT NOT NULL,
    locale TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_until INTEGER,
    sent_at INTEGER,
    last_error TEXT
);

CREATE INDEX messages_due ON messages (sent_at, next_attempt_at);
CREATE INDEX messages_by_order ON messages (order_id);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    order_id TEXT,
    serial TEXT,
    ip TEXT,
    user_agent TEXT,
    detail TEXT
);

CREATE INDEX audit_by_order ON audit_events (order_id, id);

CREATE TABLE crl (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    number INTEGER NOT NULL,
    this_update INTEGER NOT NULL,
    next_update INTEGER NOT NULL,
    der BLOB NOT NULL
);
