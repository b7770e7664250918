package ai.maestro.auth.adapter.out.persistence;

import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * PostgreSQL, shared by processes on many machines. The refresh lock is a row lock
 * ({@code SELECT ... FOR UPDATE} on {@code refresh_locks}) held by a connection of its own: the
 * work's reads and writes go through other connections, so losing the lock's session (a restart,
 * a dropped connection) cannot take the rotated tokens with it.
 */
final class PostgresAccess implements StoreAccess {
    /** SQLSTATE lock_not_available: lock_timeout expired. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final DataSource dataSource;
    private final String location;

    PostgresAccess(DataSource dataSource, String location) {
        this.dataSource = dataSource;
        this.location = location;
    }

    @Override
    public <T> T access(Supplier<T> operation) {
        return operation.get();
    }

    @Override
    public void changed(Handle handle) {
        handle.execute(StoreSql.BUMP_STAMP);
    }

    @Override
    public long changeStamp(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery(StoreSql.READ_STAMP).mapTo(Long.class)
                .one());
    }

    @Override
    public <T> T withRefreshLock(CredentialKey provider, Duration maxWait, Supplier<T> work) {
        Connection lock = acquire(provider, maxWait);
        try {
            return work.get();
        } finally {
            try (lock) {
                lock.rollback();
            } catch (SQLException sessionAlreadyGone) {
                // The server ended the session, which released the row lock with it.
            }
        }
    }

    private Connection acquire(CredentialKey provider, Duration maxWait) {
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            try (Statement statement = connection.createStatement()) {
                // One lock row per account (its tag is hex, so it is safe inside the statement).
                statement.execute(String.format(StoreSql.ENSURE_LOCK_ROW, provider.accountName()));
            } catch (SQLException raced) {
                // Another process inserted the row at the same moment (unique violation): it exists now.
            }
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute(String.format(StoreSql.LOCK_TIMEOUT, Math.max(1, maxWait.toMillis())));
            }
            try (PreparedStatement select = connection.prepareStatement(
                    StoreSql.TAKE_LOCK)) {
                select.setString(1, provider.accountName());
                select.executeQuery().close();
            }
            // Who holds the lock, for a process that waits too long (pg_stat_activity shows it at once).
            // Transaction-local: the pooled connection goes back to the pool without the holder's name.
            try (PreparedStatement name = connection.prepareStatement(StoreSql.NAME_HOLDER)) {
                name.setString(1, LockWaits.Holder.thisProcess().line() + " " + provider.accountName());
                name.executeQuery().close();
            }
            return connection;
        } catch (SQLException e) {
            closeQuietly(connection);
            if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                throw LockWaits.heldTooLong("the " + provider.provider().cliName() + " refresh lock", maxWait, holder(provider),
                        "pg_stat_activity, application_name maestro-auth");
            }
            throw new CredentialStoreException("The credential store (" + location + ") cannot be used: "
                    + e.getClass().getSimpleName() + " (SQLSTATE " + e.getSQLState() + ").", null,
                    "Check that the database is reachable and MAESTRO_AUTH_DB_URL is right; nothing was changed.", e);
        }
    }

    /** The process holding {@code provider}'s refresh lock, as its connection names itself. */
    private Optional<LockWaits.Holder> holder(CredentialKey provider) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(StoreSql.FIND_HOLDER)) {
            query.setString(1, provider.accountName());
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                String client = row.getString(2);
                boolean local = client == null || client.equals("127.0.0.1") || client.equals("::1");
                return LockWaits.Holder.parse(row.getString(1)).map(h -> local ? h : h.on(client));
            }
        } catch (SQLException unavailable) {
            return Optional.empty();
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Already broken.
            }
        }
    }
}
