-- Every revocation counts one up here, in its own transaction, and each CRL records the count
-- it was built at: a revocation commits without waiting for a CRL to be signed, and whoever
-- serves /crl can tell with one look whether the stored CRL is behind.
CREATE TABLE crl_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
);
INSERT INTO crl_changes (id, revision) VALUES (1, 0);
-- The CRL's small columns before its DER: SQLite reads a column stored after a 4 MiB blob by
-- walking the blob's overflow pages, which made the one-row look of every GET /crl cost a
-- millisecond. The table is rebuilt with the DER last.
CREATE TABLE crl_new (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    number INTEGER NOT NULL,
    this_update INTEGER NOT NULL,
    next_update INTEGER NOT NULL,
    entries INTEGER NOT NULL DEFAULT 0,
    covers INTEGER NOT NULL DEFAULT 0,
    der BLOB NOT NULL
);
INSERT INTO crl_new (id, number, this_update, next_update, entries, der)
    SELECT id, number, this_update, next_update, entries, der FROM crl;
DROP TABLE crl;
ALTER TABLE crl_new RENAME TO crl;
