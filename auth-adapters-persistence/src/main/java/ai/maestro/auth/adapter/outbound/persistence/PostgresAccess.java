package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL, shared by processes on many machines.
 *
 * <p>A refresh is guarded by a <em>lease</em>, not by a lock held on a database session: before
 * the refresh token is sent, the holder commits (holder, random id, {@code lease_until}) in a
 * statement of its own, with times from the database's clock. A failover or a reaper that cuts the
 * holder's sessions leaves the lease in place, so no other process sends the same refresh token
 * while the request is in flight; the holder writes its result on a fresh connection (a
 * compare-and-swap on the row's version) and releases the lease. The lease is as long as a waiter
 * waits, and the holder's request deadline lies inside it. A lease that ends without a release
 * means its holder died or lost the database, perhaps with the provider's answer in its machine's
 * journal. The lease records the row version it refreshes from: a process of the holder's machine
 * takes it over (and applies that journal first); a process elsewhere does so only once the row
 * has moved past that version, and until then says where the new tokens may wait.
 *
 * <p>Every operation rides out a cut session: when the connection dies under it (SQLSTATE class 08,
 * 57P01–57P03), it is retried on a fresh connection for a few seconds before the caller hears of it.
 */
final class PostgresAccess implements StoreAccess {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresAccess.class);

    /** How long an operation keeps trying on fresh connections after its session was cut. */
    static final Duration RIDE_OUT = Duration.ofSeconds(10);
    /** admin_shutdown (pg_terminate_backend, a restart), crash_shutdown, cannot_connect_now. */
    private static final Set<String> SESSION_ENDED = Set.of("57P01", "57P02", "57P03");

    private static final java.util.regex.Pattern HOLDER = java.util.regex.Pattern.compile(
            "pid (\\d+) since \\d+(?: machine (\\S+))?(?: on (\\S+))?");
    private final PostgresLeases leases;
    private final String location;
    /** Until the database answered once, a failure is a setting or an outage to report, not a cut to ride out. */
    private volatile boolean reached;

    PostgresAccess(StoreConnections connections, String location, String machine) {
        this.location = location;
        this.leases = new PostgresLeases(connections, this, machine.replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    @Override
    public boolean holdsConnectionPerVisit() {
        return false;
    }

    @Override
    public <T> T access(Supplier<T> operation) {
        return access(operation, RIDE_OUT);
    }

    <T> T access(Supplier<T> operation, Duration rideOut) {
        long deadline = System.nanoTime() + rideOut.toNanos();
        long pause = 25;
        while (true) {
            try {
                T result = operation.get();
                reached = true;
                return result;
            } catch (RuntimeException e) {
                if (!sessionLost(e, reached) || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                LOG.debug("The database session was lost ({}); trying again on a fresh connection", e.toString());
                pause(pause);
                pause = Math.min(pause * 2, 1000);
            }
        }
    }

    /**
     * Whether {@code e} says the connection or its session ended, rather than that the statement
     * failed. Before the database has answered once ({@code reached} false), only a session that
     * ended under an operation counts: a connection never made is a setting or an outage to report
     * at once.
     */
    static boolean sessionLost(Throwable e, boolean reached) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (reached && (t instanceof ConnectionException || t instanceof SQLTransientConnectionException)) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() == null
                    && "Connection is closed".equals(sql.getMessage())) {
                // HikariCP's answer on a connection it closed after its session died under a kept handle.
                return true;
            }
            String state = t instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null && (SESSION_ENDED.contains(state) || "08006".equals(state) || "08003".equals(state)
                    || (reached && state.startsWith("08")))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    @Override
    public void changed(Handle handle) {
        handle.execute(StoreSql.BUMP_STAMP);
    }

    @Override
    public long changeStamp(StoreConnections connections) {
        return access(() -> connections.read(StoreSql.READ_STAMP, rs -> rs.getLong(1)).get(0));
    }

    @Override
    public <T> T withRefreshLock(CredentialKey key, Duration maxWait, java.util.function.LongSupplier rowVersion,
                                 java.util.function.Function<Optional<String>, T> work) {
        String id = PostgresLeases.newHolderId();
        Optional<String> takenFrom = leases.take(key, maxWait, id, rowVersion);
        try {
            return work.apply(takenFrom);
        } finally {
            leases.release(key, id);
        }
    }

    @Override
    public java.util.Map<String, ai.maestro.auth.domain.UnstoredRefresh> unstoredRefreshes() {
        return leases.unstored();
    }

    @Override
    public java.util.Set<String> abandonedHere() {
        return leases.abandonedHere();
    }

    /** "pid 4242 on machine build-7 (10.0.0.7)" from a holder line and address. */
    static String describeHolder(String recorded) {
        java.util.regex.Matcher m = HOLDER.matcher(recorded == null ? "" : recorded);
        if (!m.find()) {
            return "a maestro-auth process";
        }
        return "pid " + m.group(1) + (m.group(2) == null ? "" : " on machine " + m.group(2))
                + (m.group(3) == null ? "" : " (" + m.group(3) + ")");
    }

    /** The database answered, but not as a store can be used: said with its SQLSTATE. */
    CredentialStoreException unusable(JdbiException e) {
        SQLException sql = null;
        for (Throwable cause = e; cause != null && sql == null; cause = cause.getCause()) {
            if (cause instanceof SQLException found) {
                sql = found;
            }
        }
        return new CredentialStoreException("The credential store (" + location + ") cannot be used: "
                + (sql == null ? e.getClass().getSimpleName() : sql.getClass().getSimpleName() + " (SQLSTATE "
                + sql.getSQLState() + ")") + ".", null,
                "Check that the database is reachable and MAESTRO_AUTH_DB_URL is right; nothing was changed.", e);
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CredentialStoreException("Interrupted while waiting for the database.", null, "Try again.", e);
        }
    }
}
