-- A row per provider that a refresh locks (SELECT ... FOR UPDATE) while it talks to the token
-- endpoint, so that processes sharing the store refresh one at a time.
CREATE TABLE IF NOT EXISTS refresh_locks (
    provider VARCHAR(32) NOT NULL PRIMARY KEY
);
