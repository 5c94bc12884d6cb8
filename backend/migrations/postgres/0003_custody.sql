-- Sealed secrets move to a table of their own, UNLOGGED: PostgreSQL writes no WAL for it, so
-- no copy of a sealed file, password or message body outlives its wipe in pg_wal (or in WAL
-- archives and replicas). The portal rewrites the table (VACUUM FULL) after wipes so that
-- no dead tuple keeps one either. The price, said in the README: after a PostgreSQL crash
-- (not a clean restart) the table is empty, and orders not yet collected need a renewal.
CREATE UNLOGGED TABLE sealed_values (
    -- The order id for a file or password; the message's idempotency key for a message body.
    owner TEXT NOT NULL,
    -- 'bundle', 'password' or 'message'.
    kind TEXT NOT NULL,
    blob BYTEA NOT NULL,
    PRIMARY KEY (owner, kind)
);

INSERT INTO sealed_values (owner, kind, blob)
    SELECT id, 'bundle', bundle_sealed FROM orders WHERE bundle_sealed IS NOT NULL;
INSERT INTO sealed_values (owner, kind, blob)
    SELECT id, 'password', password_sealed FROM orders WHERE password_sealed IS NOT NULL;
ALTER TABLE orders DROP COLUMN bundle_sealed;
ALTER TABLE orders DROP COLUMN password_sealed;

-- Each message has a stable id (sent to gateways as an idempotency key) and an end: sent,
-- failed (too many tries) or dropped (its order ended first). Only a queued message has a
-- sealed body.
ALTER TABLE messages ADD COLUMN idempotency_key TEXT;
UPDATE messages SET idempotency_key = 'message-' || id;
ALTER TABLE messages ADD COLUMN status TEXT NOT NULL DEFAULT 'queued';
UPDATE messages SET status = CASE WHEN sent_at IS NULL THEN 'queued' ELSE 'sent' END;
ALTER TABLE messages ADD COLUMN ended_at BIGINT;
INSERT INTO sealed_values (owner, kind, blob)
    SELECT idempotency_key, 'message', body_sealed FROM messages
    WHERE body_sealed IS NOT NULL AND status = 'queued';
ALTER TABLE messages DROP COLUMN body_sealed;
DROP INDEX messages_due;
CREATE UNIQUE INDEX messages_by_key ON messages (idempotency_key);
CREATE INDEX messages_queued ON messages (channel, recipient, id) WHERE status = 'queued';

-- A staff member's sessions carry the epoch of the credentials they signed in with; a new
-- password or authenticator moves it on and so ends the other sessions.
ALTER TABLE staff ADD COLUMN credentials_epoch BIGINT NOT NULL DEFAULT 0;

-- The CRL is re-signed when it lists fewer certificates than are revoked (a crash between a
-- revocation and its CRL leaves one out): the revoked certificates are counted on every CRL
-- request, by this index, and each CRL records how many it lists.
CREATE INDEX certificates_by_revocation ON certificates (revoked_at);
ALTER TABLE crl ADD COLUMN entries BIGINT NOT NULL DEFAULT 0;
