-- API tokens for automation (a ticketing system, a CRM): named, scoped, stored only as the
-- SHA-256 of the token, with an optional end, the last use (to the minute) and a revocation.
CREATE TABLE api_tokens (
    name TEXT PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    expires_at INTEGER,
    last_used_at INTEGER,
    revoked_at INTEGER
);
