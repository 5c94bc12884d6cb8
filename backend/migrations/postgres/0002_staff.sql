-- Staff accounts for the admin page. Passwords as argon2id PHC strings; TOTP secrets sealed
-- under the key-encryption key. totp_last_step stops a code from being used twice.

CREATE TABLE staff (
    username TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_sealed BYTEA NOT NULL,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    must_change_password BIGINT NOT NULL DEFAULT 1,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Failed logins, for throttling per account and per address.
CREATE TABLE login_failures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    username TEXT NOT NULL,
    ip TEXT NOT NULL
);

CREATE INDEX login_failures_by_user ON login_failures (username, at);
CREATE INDEX login_failures_by_ip ON login_failures (ip, at);
CREATE INDEX audit_by_actor ON audit_events (actor, id);
