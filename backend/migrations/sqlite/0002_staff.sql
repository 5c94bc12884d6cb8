-- Staff accounts for the admin page. Passwords as argon2id PHC strings; TOTP secrets sealed
-- under the key-encryption key. totp_last_step stops a code from being used twice.

CREATE TABLE staff (
    username TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_sealed BLOB NOT NULL,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    must_change_password INTEGER NOT NULL DEFAULT 1,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Failed logins, for throttling per account and per address.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    username TEXT NOT NULL,
    ip TEXT NOT NULL
);

CREATE INDEX login_failures_by_user ON login_failures (username, at);
CREATE INDEX login_failures_by_ip ON login_failures (ip, at);
CREATE INDEX audit_by_actor ON audit_events (actor, id);
