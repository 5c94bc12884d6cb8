-- Each transaction adds to count rows of its own, instead of one of 16 rows chosen at random
-- for each change. A transaction that changed several orders or messages held several random
-- rows to its commit, in its own order, and two such transactions could each wait for the
-- other's: PostgreSQL then failed one ("deadlock detected"), seen when orders were made while
-- the dispatcher sent their messages. A transaction's rows are keyed by its id, which no
-- other transaction running beside it has, so no two wait for each other over a count; the
-- sweeper folds committed transactions' rows into shard 0 (SqlStore::fold_counts), and the
-- readers sum every row, folded or not.
CREATE OR REPLACE FUNCTION count_order() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    picked INTEGER := 1 + (txid_current() % 2147483646)::INTEGER;
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

CREATE OR REPLACE FUNCTION count_message() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    picked INTEGER := 1 + (txid_current() % 2147483646)::INTEGER;
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
