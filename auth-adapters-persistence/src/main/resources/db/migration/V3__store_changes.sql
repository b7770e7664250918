-- One counter that every write moves: a process compares two readings to learn that another
-- process logged out, logged in or marked a credential, without reading or decrypting rows.
-- PostgreSQL uses it; the embedded store keeps the same counter in a file (changes.stamp), which
-- is read without opening the database.
CREATE TABLE IF NOT EXISTS store_changes (
    id    INT    NOT NULL PRIMARY KEY,
    stamp BIGINT NOT NULL
);
INSERT INTO store_changes (id, stamp) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM store_changes WHERE id = 1);
