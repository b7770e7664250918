-- The PostgreSQL refresh lock becomes a lease: the holder, and until when it may spend the refresh
-- token, committed before the request is sent. A lease survives its holder's database session
-- (a failover or a reaper that cuts it), and its times come from the database's clock, so a
-- machine whose clock is off neither shortens nor lengthens it. Released by clearing holder_id;
-- an expired lease still naming a holder is a refresh that ended without storing its result.
ALTER TABLE refresh_locks ADD COLUMN IF NOT EXISTS holder VARCHAR(200);
ALTER TABLE refresh_locks ADD COLUMN IF NOT EXISTS holder_id VARCHAR(40);
ALTER TABLE refresh_locks ADD COLUMN IF NOT EXISTS holder_host VARCHAR(100);
ALTER TABLE refresh_locks ADD COLUMN IF NOT EXISTS lease_since TIMESTAMP WITH TIME ZONE;
ALTER TABLE refresh_locks ADD COLUMN IF NOT EXISTS lease_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE refresh_locks ADD COLUMN IF NOT EXISTS taken_from VARCHAR(400);
