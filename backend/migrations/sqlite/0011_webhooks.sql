-- Webhook endpoints an admin registered: where to POST which events, and the signing secret,
-- sealed under the key-encryption key and wiped (NULL) when the endpoint is disabled. Not in
-- sealed_values: on PostgreSQL that table is unlogged, for what may be lost in a crash; a
-- secret lives as long as its endpoint.
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    secret_sealed BLOB,
    disabled_at INTEGER
);

-- What happened, as the endpoints are told it: written with the change itself, in its
-- transaction, and only when an endpoint was registered for it. Each endpoint's delivery is a
-- message (channel 'webhook', recipient the endpoint, subject the event) in the queue, with
-- the queue's retries.
CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    at INTEGER NOT NULL
);

CREATE INDEX messages_by_recipient ON messages (channel, recipient, id);
-- Which deliveries an event still has, for forgetting the events whose deliveries are gone.
CREATE INDEX messages_by_event ON messages (subject) WHERE channel = 'webhook';
