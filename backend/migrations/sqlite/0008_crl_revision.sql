-- Every revocation counts one up here, in its own transaction, and each CRL records the count
-- it was built at: a revocation commits without waiting for a CRL to be signed, and whoever
-- serves /crl can tell with one look whether the stored CRL is behind.
CREATE TABLE crl_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
);
INSERT INTO crl_changes (id, revision) VALUES (1, 0);
ALTER TABLE crl ADD COLUMN covers INTEGER NOT NULL DEFAULT 0;
