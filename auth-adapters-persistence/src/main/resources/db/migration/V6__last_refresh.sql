-- How the last refresh of each credential ended: when, an outcome tag, and for a failure a one-line
-- reason in maestro-auth's words (never a secret). Written apart from the credential, so recording
-- it moves neither the row's version nor its ciphertext.
ALTER TABLE account_credentials ADD COLUMN IF NOT EXISTS last_refresh_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE account_credentials ADD COLUMN IF NOT EXISTS last_refresh_outcome VARCHAR(32);
ALTER TABLE account_credentials ADD COLUMN IF NOT EXISTS last_refresh_reason VARCHAR(400);
