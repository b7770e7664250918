package ai.maestro.auth.adapter.outbound.persistence;

/**
 * Every statement of the credential store, in one place: the same SQL runs on H2 and PostgreSQL
 * unless it says otherwise. The schema itself is in {@code db/migration}.
 */
final class StoreSql {
    static final String COLUMNS = "provider, account, auth_type, credentials, key_id, expires_at, created_at,"
            + " updated_at, version, relogin_reason, relogin_since";
    /** Read with JDBC itself: positional parameters (provider, account, auth type). */
    static final String FIND = "SELECT " + COLUMNS + " FROM account_credentials"
            + " WHERE provider = ? AND account = ? AND auth_type = ?";
    static final String INSERT = "INSERT INTO account_credentials (" + COLUMNS + ") VALUES (:provider, :account,"
            + " :authType, :credentials, :keyId, :expiresAt, :createdAt, :updatedAt, :next, :reloginReason,"
            + " :reloginSince)";
    static final String UPDATE = "UPDATE account_credentials SET credentials = :credentials, key_id = :keyId,"
            + " expires_at = :expiresAt, updated_at = :updatedAt, version = :next, relogin_reason = :reloginReason,"
            + " relogin_since = :reloginSince"
            + " WHERE provider = :provider AND account = :account AND auth_type = :authType AND version = :expected";
    static final String VERSION = "SELECT version FROM account_credentials"
            + " WHERE provider = :provider AND account = :account AND auth_type = :authType";
    static final String DELETE = "DELETE FROM account_credentials"
            + " WHERE provider = :provider AND account = :account AND auth_type = :authType";
    static final String LIST = "SELECT c.provider, c.account, c.auth_type, c.expires_at, c.updated_at, c.version,"
            + " c.relogin_reason, c.last_refresh_at, c.last_refresh_outcome, c.last_refresh_reason, a.label,"
            + " a.is_default FROM account_credentials c JOIN accounts a"
            + " ON a.provider = c.provider AND a.account = c.account ORDER BY c.provider, a.created_at, a.label,"
            + " c.auth_type";
    static final String RECORD_REFRESH = "UPDATE account_credentials SET last_refresh_at = :at,"
            + " last_refresh_outcome = :outcome, last_refresh_reason = :reason"
            + " WHERE provider = :provider AND account = :account AND auth_type = :authType";
    static final String ALL_IDENTITIES = "SELECT provider, auth_type FROM account_credentials"
            + " ORDER BY provider, auth_type";
    static final String COUNT = "SELECT (SELECT COUNT(*) FROM account_credentials)"
            + " + (SELECT COUNT(*) FROM saved_authentications WHERE provider NOT LIKE '%~moved')";
    static final String STALE_KEYS = "SELECT provider, account, auth_type FROM account_credentials"
            + " WHERE key_id <> :primary";
    /** Read with JDBC itself: a positional parameter (provider). */
    static final String ACCOUNTS = "SELECT provider, account, label, is_default FROM accounts"
            + " WHERE provider = ? ORDER BY created_at, label";
    static final String ACCOUNT_CREDENTIALS = "SELECT COUNT(*) FROM account_credentials"
            + " WHERE provider = :provider AND account = :account";
    static final String INSERT_ACCOUNT = "INSERT INTO accounts (provider, account, label, is_default, created_at)"
            + " SELECT :provider, :account, :label, NOT EXISTS (SELECT 1 FROM accounts WHERE provider = :provider),"
            + " :createdAt";
    static final String RELABEL = "UPDATE accounts SET label = :label WHERE provider = :provider"
            + " AND account = :account";
    static final String MAKE_DEFAULT = "UPDATE accounts SET is_default = (account = :account)"
            + " WHERE provider = :provider AND EXISTS (SELECT 1 FROM accounts WHERE provider = :provider"
            + " AND account = :account)";
    static final String DELETE_ACCOUNT = "DELETE FROM accounts WHERE provider = :provider AND account = :account";
    static final String PROMOTE_OLDEST = "UPDATE accounts SET is_default = TRUE WHERE provider = :provider"
            + " AND account = (SELECT account FROM accounts WHERE provider = :provider ORDER BY created_at, label"
            + " LIMIT 1) AND NOT EXISTS (SELECT 1 FROM accounts WHERE provider = :provider AND is_default)";
    /** The rows of the table before accounts that are not moved yet. */
    static final String LEGACY = "SELECT provider, auth_type, credentials, created_at, updated_at, version,"
            + " relogin_reason, relogin_since FROM saved_authentications WHERE provider NOT LIKE '%~moved'"
            + " ORDER BY CASE WHEN auth_type = 'OAUTH' THEN 0 ELSE 1 END";
    static final String FORGET_MOVED = "DELETE FROM saved_authentications WHERE provider = :moved"
            + " AND auth_type = :authType";
    static final String MARK_MOVED = "UPDATE saved_authentications SET provider = :moved"
            + " WHERE provider = :provider AND auth_type = :authType AND version = :version";

    // The PostgreSQL refresh lock and change stamp (the embedded store keeps both in files).
    static final String BUMP_STAMP = "UPDATE store_changes SET stamp = stamp + 1 WHERE id = 1";
    static final String READ_STAMP = "SELECT stamp FROM store_changes WHERE id = 1";
    /** One lease row per account's lock; a row another process inserted at the same moment is kept. */
    static final String ENSURE_LOCK_ROW = "INSERT INTO refresh_locks (lock_name) VALUES (:name) ON CONFLICT DO NOTHING";
    /**
     * Takes the lease when no unexpired one exists: one statement, so two processes cannot both take
     * it. Times are the database's. {@code taken_from} keeps who held an expired, unreleased lease.
     */
    static final String TAKE_LEASE = "UPDATE refresh_locks SET taken_from = CASE WHEN holder_id IS NULL THEN NULL"
            + " ELSE holder || COALESCE(' on ' || holder_host, '') END, holder = :holder, holder_id = :id,"
            + " holder_host = host(inet_client_addr()), lease_since = clock_timestamp(),"
            + " lease_until = clock_timestamp() + :millis * INTERVAL '1 millisecond', from_version = :version"
            + " WHERE lock_name = :name AND (holder_id IS NULL OR (lease_until < clock_timestamp()"
            // An ended lease of another machine's holder only once the row moved past what it refreshed.
            + " AND (from_version IS NULL OR from_version <> :version OR holder LIKE :ownMachine)))"
            + " RETURNING taken_from";
    /**
     * An ended lease whose holder refreshed from row version :version: whether its holder is elsewhere
     * is told by the caller, which knows its own machine.
     */
    static final String ENDED_LEASE_FROM = "SELECT holder, holder_host, lease_since,"
            + " CAST(EXTRACT(EPOCH FROM clock_timestamp() - lease_until) * 1000 AS BIGINT) AS ended_ms FROM refresh_locks WHERE"
            + " lock_name = :name AND holder_id IS NOT NULL AND lease_until < clock_timestamp()"
            + " AND from_version = :version";
    /** Leases taken and not released: refreshes in flight, or ended without storing a result. */
    static final String UNRELEASED_LEASES = "SELECT lock_name, holder, holder_host, lease_since,"
            + " lease_until < clock_timestamp() AS ended FROM refresh_locks WHERE holder_id IS NOT NULL";
    static final String RELEASE_LEASE = "UPDATE refresh_locks SET holder = NULL, holder_id = NULL,"
            + " holder_host = NULL, lease_since = NULL, lease_until = NULL WHERE lock_name = :name AND holder_id = :id";
    /** The lease's holder and how long it has held it, by the database's clock. */
    static final String LEASE_HOLDER = "SELECT holder, holder_host,"
            + " CAST(EXTRACT(EPOCH FROM clock_timestamp() - lease_since) * 1000 AS BIGINT) AS held_ms,"
            + " holder_id, host(inet_client_addr()) AS asking FROM refresh_locks"
            + " WHERE lock_name = :name AND holder_id IS NOT NULL";
    /** Every lease held, with the address the database sees for its holder and for the asking process. */
    static final String LEASE_HOLDERS = "SELECT lock_name, holder, holder_host, holder_id,"
            + " host(inet_client_addr()) AS asking FROM refresh_locks WHERE holder_id IS NOT NULL";
    /** Takes over the lease of a holder known to be dead: only if that holder still has it. */
    static final String TAKE_OVER_LEASE = "UPDATE refresh_locks SET taken_from = holder, holder = :holder,"
            + " holder_id = :id, holder_host = host(inet_client_addr()), lease_since = clock_timestamp(),"
            + " lease_until = clock_timestamp() + :millis * INTERVAL '1 millisecond', from_version = :version"
            + " WHERE lock_name = :name AND holder_id = :deadId RETURNING taken_from";

    // The schema's own bookkeeping (Migrations).
    static final String SCHEMA_LOCK = "SELECT pg_advisory_xact_lock(7405219317)";
    static final String SCHEMA_TABLE = "CREATE TABLE IF NOT EXISTS maestro_auth_schema_version ("
            + " version INT NOT NULL PRIMARY KEY, script VARCHAR(200) NOT NULL,"
            + " applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)";
    static final String SCHEMA_VERSION = "SELECT COALESCE(MAX(version), 0) FROM maestro_auth_schema_version";
    static final String SCHEMA_APPLIED = "INSERT INTO maestro_auth_schema_version (version, script)"
            + " VALUES (:version, :script)";

    /** The embedded store's close: compacts the file and lets it go. */
    static final String SHUTDOWN_COMPACT = "SHUTDOWN COMPACT";

    private StoreSql() {
    }
}
