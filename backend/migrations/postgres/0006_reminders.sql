-- Reminders before a certificate ends. Each (certificate, stage) is claimed here once, in the
-- transaction that queues its message, so that instances sharing the database never send a
-- stage twice. A stage passed over because a later one was due by then (the portal was down)
-- is claimed too, with no message: it is covered by the later one, not forgotten.
CREATE TABLE reminders (
    serial TEXT NOT NULL,
    stage BIGINT NOT NULL,
    claimed_at BIGINT NOT NULL,
    -- The queued message's idempotency key; NULL for a stage covered by a later one.
    message_key TEXT,
    PRIMARY KEY (serial, stage)
);
CREATE INDEX reminders_by_time ON reminders (claimed_at);

-- The support address's daily digest, claimed once per UTC day (days since 1970).
CREATE TABLE digests (
    day BIGINT PRIMARY KEY,
    claimed_at BIGINT NOT NULL
);

-- The reminder's stage in days, on its message (NULL for every other message).
ALTER TABLE messages ADD COLUMN stage BIGINT;

-- The reminder scan reads the live certificates that end soon, and asks of each whether a
-- renewal is under way.
CREATE INDEX certificates_live_by_end ON certificates (not_after) WHERE revoked_at IS NULL;
CREATE INDEX orders_by_renewed ON orders (renews_serial) WHERE renews_serial IS NOT NULL;
