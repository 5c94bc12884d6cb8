-- The dispatcher claims the oldest due messages: walked in the queue's own order, a claim
-- stops at the first it may take, instead of reading and sorting every queued message of its
-- channels (which made each claim slower as the queue grew under load).
CREATE INDEX messages_queued_in_order ON messages (id) WHERE status = 'queued';
