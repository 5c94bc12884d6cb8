-- Sealed secrets move to a table of their own, so that a wipe deletes a whole row (which
-- secure_delete overwrites, and the compactor folds out of the write-ahead log) and so that
-- PostgreSQL can keep them out of its WAL. A row lives only while the flow needs it.
CREATE TABLE sealed_values (
    -- The order id for a file or password; the message's idempotency key for a message body.
    owner TEXT NOT NULL,
    -- 'bundle', 'password' or 'message'.
    kind TEXT NOT NULL,
    blob BLOB NOT NULL,
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
ALTER TABLE messages ADD COLUMN ended_at INTEGER;
INSERT INTO sealed_values (owner, kind, blob)
    SELECT idempotency_key, 'message', body_sealed FROM messages
    WHERE body_sealed IS NOT NULL AND status = 'queued';
ALTER TABLE messages DROP COLUMN body_sealed;
DROP INDEX messages_due;
CREATE UNIQUE INDEX messages_by_key ON messages (idempotency_key);
CREATE INDEX messages_queued ON messages (channel, recipient, id) WHERE status = 'queued';

-- A staff member's sessions carry the epoch of the credentials they signed in with; a new
-- password or authenticator moves it on and so ends the other sessions.
ALTER TABLE staff ADD COLUMN credentials_epoch INTEGER NOT NULL DEFAULT 0;

-- The CRL is re-signed when it lists fewer certificates than are revoked (a crash between a
-- revocation and its CRL leaves one out): the revoked certificates are counted on every CRL
-- request, by this index, and each CRL records how many it lists.
CREATE INDEX certificates_by_revocation ON certificates (revoked_at);
ALTER TABLE crl ADD COLUMN entries INTEGER NOT NULL DEFAULT 0;
