-- A portal with years of history: nothing on a request path may read every order.

-- Search. Each order's searchable fields, one per line, in a table of its own with a stable
-- integer key: orders is keyed by its text id, and a VACUUM may renumber such a table's
-- implicit rowids, which an index keyed by them would then point past. FTS5's trigram
-- tokenizer indexes every three characters, so a word of three or more finds its text
-- anywhere in a field (as the LIKE '%word%' it replaces did), with case folded.
-- The key grows as orders are made, so newest first is the key descending.
CREATE TABLE order_search (
    docid INTEGER PRIMARY KEY,
    order_id TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL
);

CREATE VIRTUAL TABLE order_search_index USING fts5 (
    text,
    content = 'order_search',
    content_rowid = 'docid',
    tokenize = 'trigram'
);

CREATE TRIGGER order_search_added AFTER INSERT ON order_search BEGIN
    INSERT INTO order_search_index (rowid, text) VALUES (NEW.docid, NEW.text);
END;

CREATE TRIGGER order_search_changed AFTER UPDATE ON order_search BEGIN
    INSERT INTO order_search_index (order_search_index, rowid, text)
        VALUES ('delete', OLD.docid, OLD.text);
    INSERT INTO order_search_index (rowid, text) VALUES (NEW.docid, NEW.text);
END;

CREATE TRIGGER order_search_removed AFTER DELETE ON order_search BEGIN
    INSERT INTO order_search_index (order_search_index, rowid, text)
        VALUES ('delete', OLD.docid, OLD.text);
END;

CREATE TRIGGER orders_search_added AFTER INSERT ON orders BEGIN
    INSERT INTO order_search (order_id, text) VALUES (NEW.id,
        NEW.org || char(10) || NEW.service || char(10) || NEW.client || char(10)
        || NEW.contact_name || char(10) || NEW.email || char(10) || NEW.mobile || char(10)
        || coalesce(NEW.serial, '') || char(10) || NEW.id);
END;

-- A customer's own key has no serial until its request is signed.
CREATE TRIGGER orders_search_changed AFTER UPDATE OF org, service, client, contact_name, email,
    mobile, serial ON orders BEGIN
    UPDATE order_search SET text =
        NEW.org || char(10) || NEW.service || char(10) || NEW.client || char(10)
        || NEW.contact_name || char(10) || NEW.email || char(10) || NEW.mobile || char(10)
        || coalesce(NEW.serial, '') || char(10) || NEW.id
    WHERE order_id = NEW.id;
END;

CREATE TRIGGER orders_search_removed AFTER DELETE ON orders BEGIN
    DELETE FROM order_search WHERE order_id = OLD.id;
END;

INSERT INTO order_search (order_id, text)
SELECT id, org || char(10) || service || char(10) || client || char(10) || contact_name
    || char(10) || email || char(10) || mobile || char(10) || coalesce(serial, '') || char(10)
    || id
FROM orders ORDER BY created_at, id;

-- Counts by state and by message status, kept as rows change, for the dashboard, /metrics and
-- the list's total. `shard` spreads PostgreSQL's concurrent writers over several rows; SQLite
-- has one writer and uses shard 0.
CREATE TABLE order_counts (
    state TEXT NOT NULL,
    shard INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (state, shard)
);

INSERT INTO order_counts (state, shard, n) SELECT state, 0, COUNT(*) FROM orders GROUP BY state;

CREATE TRIGGER orders_counted AFTER INSERT ON orders BEGIN
    INSERT INTO order_counts (state, shard, n) VALUES (NEW.state, 0, 1)
        ON CONFLICT (state, shard) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER orders_recounted AFTER UPDATE OF state ON orders
    WHEN OLD.state IS NOT NEW.state BEGIN
    UPDATE order_counts SET n = n - 1 WHERE state = OLD.state AND shard = 0;
    INSERT INTO order_counts (state, shard, n) VALUES (NEW.state, 0, 1)
        ON CONFLICT (state, shard) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER orders_uncounted AFTER DELETE ON orders BEGIN
    UPDATE order_counts SET n = n - 1 WHERE state = OLD.state AND shard = 0;
END;

CREATE TABLE message_counts (
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    shard INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (channel, status, shard)
);

INSERT INTO message_counts (channel, status, shard, n)
SELECT channel, status, 0, COUNT(*) FROM messages GROUP BY channel, status;

CREATE TRIGGER messages_counted AFTER INSERT ON messages BEGIN
    INSERT INTO message_counts (channel, status, shard, n) VALUES (NEW.channel, NEW.status, 0, 1)
        ON CONFLICT (channel, status, shard) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER messages_recounted AFTER UPDATE OF channel, status ON messages
    WHEN OLD.status IS NOT NEW.status OR OLD.channel IS NOT NEW.channel BEGIN
    UPDATE message_counts SET n = n - 1
        WHERE channel = OLD.channel AND status = OLD.status AND shard = 0;
    INSERT INTO message_counts (channel, status, shard, n) VALUES (NEW.channel, NEW.status, 0, 1)
        ON CONFLICT (channel, status, shard) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER messages_uncounted AFTER DELETE ON messages BEGIN
    UPDATE message_counts SET n = n - 1
        WHERE channel = OLD.channel AND status = OLD.status AND shard = 0;
END;

-- Newest first, and newest first in one state, page by page from where the last page ended.
DROP INDEX orders_by_created;
CREATE INDEX orders_by_created ON orders (created_at, id);
CREATE INDEX orders_by_state_created ON orders (state, created_at, id);
