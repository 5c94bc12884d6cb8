-- A portal with years of history: nothing on a request path may read every order.

-- Search. pg_trgm indexes every three characters of each order's searchable fields (one per
-- line, lower-cased), so a word of three or more finds its text anywhere in a field through
-- the index, as the LIKE '%word%' it serves. pg_trgm is a trusted extension: the database's
-- owner may create it without being a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE orders ADD COLUMN search TEXT GENERATED ALWAYS AS (lower(
    org || E'\n' || service || E'\n' || client || E'\n' || contact_name || E'\n' || email
    || E'\n' || mobile || E'\n' || coalesce(serial, '') || E'\n' || id)) STORED;

CREATE INDEX orders_search ON orders USING gin (search gin_trgm_ops);

-- No message may change between its count and its counting trigger (orders is locked by the
-- ALTER TABLE above).
LOCK TABLE messages IN SHARE MODE;

-- Counts by state and by message status, kept as rows change, for the dashboard, /metrics and
-- the list's total. Each change adds to one of 16 rows per state chosen at random, so that
-- concurrent transactions on several instances seldom wait for the same row's lock.
CREATE TABLE order_counts (
    state TEXT NOT NULL,
    shard INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (state, shard)
);

INSERT INTO order_counts (state, shard, n) SELECT state, 0, COUNT(*) FROM orders GROUP BY state;

CREATE FUNCTION count_order() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    picked INTEGER := floor(random() * 16);
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO order_counts AS c (state, shard, n) VALUES (OLD.state, picked, -1)
            ON CONFLICT (state, shard) DO UPDATE SET n = c.n - 1;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO order_counts AS c (state, shard, n) VALUES (NEW.state, picked, 1)
            ON CONFLICT (state, shard) DO UPDATE SET n = c.n + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER orders_counted AFTER INSERT OR DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION count_order();
CREATE TRIGGER orders_recounted AFTER UPDATE OF state ON orders
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION count_order();

CREATE TABLE message_counts (
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    shard INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (channel, status, shard)
);

INSERT INTO message_counts (channel, status, shard, n)
SELECT channel, status, 0, COUNT(*) FROM messages GROUP BY channel, status;

CREATE FUNCTION count_message() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    picked INTEGER := floor(random() * 16);
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO message_counts AS c (channel, status, shard, n)
            VALUES (OLD.channel, OLD.status, picked, -1)
            ON CONFLICT (channel, status, shard) DO UPDATE SET n = c.n - 1;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO message_counts AS c (channel, status, shard, n)
            VALUES (NEW.channel, NEW.status, picked, 1)
            ON CONFLICT (channel, status, shard) DO UPDATE SET n = c.n + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER messages_counted AFTER INSERT OR DELETE ON messages
    FOR EACH ROW EXECUTE FUNCTION count_message();
CREATE TRIGGER messages_recounted AFTER UPDATE OF channel, status ON messages
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.channel IS DISTINCT FROM NEW.channel)
    EXECUTE FUNCTION count_message();

-- Newest first, and newest first in one state, page by page from where the last page ended.
DROP INDEX orders_by_created;
CREATE INDEX orders_by_created ON orders (created_at, id);
CREATE INDEX orders_by_state_created ON orders (state, created_at, id);
