-- A refresh lock is one account's (provider and account tag), not a provider's: the column says so.
-- The rows and leases are kept as they are.
ALTER TABLE refresh_locks RENAME COLUMN provider TO lock_name;
