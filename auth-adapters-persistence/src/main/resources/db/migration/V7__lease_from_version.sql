-- The row version a lease's holder refreshes from. A holder on another machine that ended without a
-- result may have the provider's answer in its machine's journal: while the row still has this
-- version, no machine elsewhere takes the lease over (it would send a spent refresh token).
ALTER TABLE refresh_locks ADD COLUMN IF NOT EXISTS from_version BIGINT;
