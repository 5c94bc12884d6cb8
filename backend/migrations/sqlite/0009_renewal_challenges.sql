-- The renewal page's challenges are signed by the portal, not stored when given out; one that
-- was used is recorded here until it would have ended anyway, so that it is good for one try.
CREATE TABLE renewal_challenges (
    nonce BLOB PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE INDEX renewal_challenges_by_end ON renewal_challenges (expires_at);
