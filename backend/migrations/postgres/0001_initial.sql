-- Times are Unix seconds. Secrets are never stored in the clear: tokens and codes as hashes,
-- the PKCS#12 file, its password and message bodies sealed under the key-encryption key, and
-- wiped as soon as the flow no longer needs them.

CREATE TABLE certificates (
    serial TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    key_type TEXT NOT NULL,
    not_before BIGINT NOT NULL,
    not_after BIGINT NOT NULL,
    fingerprint TEXT NOT NULL,
    der BYTEA NOT NULL,
    revoked_at BIGINT,
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
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    renews_serial TEXT,
    supersede_on_collect BIGINT NOT NULL DEFAULT 1,
    link_hash BYTEA NOT NULL UNIQUE,
    link_expires_at BIGINT NOT NULL,
    code_mac BYTEA,
    code_expires_at BIGINT NOT NULL,
    code_attempts BIGINT NOT NULL DEFAULT 0,
    code_sent_at BIGINT NOT NULL,
    resends BIGINT NOT NULL DEFAULT 0,
    downloads BIGINT NOT NULL DEFAULT 0,
    bundle_sealed BYTEA,
    bundle_sha256 BYTEA NOT NULL,
    password_sealed BYTEA,
    collected_at BIGINT
);

CREATE INDEX orders_by_created ON orders (created_at);
CREATE INDEX orders_by_state ON orders (state, link_expires_at);

CREATE TABLE collect_sessions (
    token_hash BYTEA PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (id),
    expires_at BIGINT NOT NULL
);

CREATE TABLE messages (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id TEXT,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT,
    body_sealed BYTEA,
    purpose TEXT NOT NULL,
    locale TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    claimed_until BIGINT,
    sent_at BIGINT,
    last_error TEXT
);

CREATE INDEX messages_due ON messages (sent_at, next_attempt_at);
CREATE INDEX messages_by_order ON messages (order_id);

CREATE TABLE audit_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
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
    id BIGINT PRIMARY KEY CHECK (id = 1),
    number BIGINT NOT NULL,
    this_update BIGINT NOT NULL,
    next_update BIGINT NOT NULL,
    der BYTEA NOT NULL
);
