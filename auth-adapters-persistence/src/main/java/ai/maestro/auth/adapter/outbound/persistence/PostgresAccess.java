package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
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
    private static final long MAX_POLL_MILLIS = 200;
    /** Releasing is a courtesy to waiters (an unreleased lease ends by itself): a short try. */
    private static final Duration RELEASE_RIDE_OUT = Duration.ofSeconds(2);
    /** This machine's name, written with the holder so that a dead holder here is known as dead. */
    private final String machine;

    private final DataSource dataSource;
    private final String location;
    /** Until the database answered once, a failure is a setting or an outage to report, not a cut to ride out. */
    private volatile boolean reached;

    PostgresAccess(DataSource dataSource, String location, String machine) {
        this.dataSource = dataSource;
        this.location = location;
        this.machine = machine.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    @Override
    public <T> T access(Supplier<T> operation) {
        return access(operation, RIDE_OUT);
    }

    private <T> T access(Supplier<T> operation, Duration rideOut) {
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
    public long changeStamp(Jdbi jdbi) {
        return access(() -> jdbi.withHandle(h -> h.createQuery(StoreSql.READ_STAMP).mapTo(Long.class).one()));
    }

    @Override
    public <T> T withRefreshLock(CredentialKey key, Duration maxWait, java.util.function.LongSupplier rowVersion,
                                 java.util.function.Function<Optional<String>, T> work) {
        String id = newHolderId();
        Optional<String> takenFrom = take(key, maxWait, id, rowVersion.getAsLong());
        try {
            return work.apply(takenFrom);
        } finally {
            release(key, id);
        }
    }

    /** "pid 4242 on machine build-7 (10.0.0.7)" from a holder line and address. */
    static String describeHolder(String recorded) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "pid (\\d+) since \\d+(?: machine (\\S+))?(?: on (\\S+))?").matcher(recorded == null ? "" : recorded);
        if (!m.find()) {
            return "a maestro-auth process";
        }
        return "pid " + m.group(1) + (m.group(2) == null ? "" : " on machine " + m.group(2))
                + (m.group(3) == null ? "" : " (" + m.group(3) + ")");
    }

    private static String newHolderId() {
        byte[] random = new byte[16];
        new java.security.SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /**
     * Takes the lease of {@code key}, polling while another process holds an unexpired one; returns
     * who held a lease that ended without a result, when this one took it over.
     */
    private Optional<String> take(CredentialKey key, Duration maxWait, String id, long version) {
        String name = key.accountName();
        String what = "the " + key.provider().cliName() + " refresh lock";
        // A lease taken before this wait began ends within maxWait of it: a waiter outlasts a dead holder.
        long deadline = System.nanoTime() + maxWait.plusSeconds(1).toNanos();
        long pause = 10;
        try {
            sql(() -> {
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    // One row per account (its name is hex and a provider's name, safe inside the statement).
                    statement.execute(String.format(StoreSql.ENSURE_LOCK_ROW, name));
                } catch (SQLException e) {
                    if (!"23505".equals(e.getSQLState())) {
                        throw e;
                    }
                    // Another process inserted the row at the same moment: it exists now.
                }
                return null;
            });
            while (true) {
                Optional<Optional<String>> taken = sql(() -> tryTake(name, id, maxWait, version));
                if (taken.isPresent()) {
                    taken.get().ifPresent(previous -> LOG.info("The refresh lease of {} held by {} ended without a"
                            + " result (the holder died or lost the database); taking it over", name,
                            describeHolder(previous)));
                    return taken.get().map(PostgresAccess::describeHolder);
                }
                Optional<Optional<String>> fromTheDead = sql(() -> takeFromADeadHolderHere(name, id, maxWait,
                        version));
                if (fromTheDead.isPresent()) {
                    String previous = fromTheDead.get().map(PostgresAccess::describeHolder).orElse("a process");
                    LOG.info("The refresh lease of {} was held by {}, which is no longer running here; taking it"
                            + " over", name, previous);
                    return Optional.of(previous);
                }
                Optional<String> endedElsewhere = sql(() -> endedElsewhere(name, version));
                if (endedElsewhere.isPresent()) {
                    throw answerMayWaitElsewhere(key, endedElsewhere.get());
                }
                if (System.nanoTime() - deadline > 0) {
                    throw LockWaits.heldTooLong(what, maxWait, holder(name),
                            "table refresh_locks, row '" + name + "'");
                }
                pause(pause);
                pause = Math.min(pause * 2, MAX_POLL_MILLIS);
            }
        } catch (SQLException e) {
            throw unusable(e);
        }
    }

    /** Empty when another lease is live; else the lease is ours, with who held an expired one before. */
    private Optional<Optional<String>> tryTake(String name, String id, Duration length, long version)
            throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement take = connection.prepareStatement(StoreSql.TAKE_LEASE)) {
            take.setString(1, holderLine());
            take.setString(2, id);
            take.setLong(3, Math.max(1, length.toMillis()));
            take.setLong(4, version);
            take.setString(5, name);
            take.setLong(6, version);
            take.setString(7, "% machine " + machine.replace("_", "\\_"));
            try (ResultSet row = take.executeQuery()) {
                return row.next() ? Optional.of(Optional.ofNullable(row.getString(1))) : Optional.empty();
            }
        }
    }

    private String holderLine() {
        return LockWaits.Holder.thisProcess().line() + " machine " + machine;
    }

    /**
     * A lease held by a process of this machine (same name, same address as the database sees it)
     * that is no longer running is taken over at once, as the kernel drops a dead process's file
     * lock: the process that failed to store its result here is followed by the next one here,
     * which applies this machine's journal. Empty when the holder is alive, elsewhere, or unknown.
     */
    private Optional<Optional<String>> takeFromADeadHolderHere(String name, String id, Duration length,
                                                               long version) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            String holderId;
            try (PreparedStatement query = connection.prepareStatement(StoreSql.LEASE_HOLDER)) {
                query.setString(1, name);
                try (ResultSet row = query.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    String holder = row.getString("holder");
                    boolean here = holder != null && !machine.isEmpty() && holder.endsWith(" machine " + machine)
                            && java.util.Objects.equals(row.getString("holder_host"), row.getString("asking"));
                    Optional<LockWaits.Holder> parsed = LockWaits.Holder.parse(holder);
                    if (!here || parsed.isEmpty() || parsed.get().isRunningHere()) {
                        return Optional.empty();
                    }
                    holderId = row.getString("holder_id");
                }
            }
            try (PreparedStatement take = connection.prepareStatement(StoreSql.TAKE_OVER_LEASE)) {
                take.setString(1, holderLine());
                take.setString(2, id);
                take.setLong(3, Math.max(1, length.toMillis()));
                take.setLong(4, version);
                take.setString(5, name);
                take.setString(6, holderId);
                try (ResultSet row = take.executeQuery()) {
                    return row.next() ? Optional.of(Optional.ofNullable(row.getString(1))) : Optional.empty();
                }
            }
        }
    }

    /**
     * The holder of an ended lease on another machine, when it refreshed from the row version this
     * process sees: the provider may have answered it, and the answer may wait in that machine's
     * journal, so the refresh token here may be spent. Empty otherwise.
     */
    private Optional<String> endedElsewhere(String name, long version) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(StoreSql.ENDED_LEASE_FROM)) {
            query.setString(1, name);
            query.setLong(2, version);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next() || row.getString("holder") == null
                        || row.getString("holder").endsWith(" machine " + machine)) {
                    return Optional.empty();
                }
                String host = row.getString("holder_host");
                return Optional.of(describeHolder(row.getString("holder") + (host == null ? "" : " on " + host)));
            }
        }
    }

    private static CredentialStoreException answerMayWaitElsewhere(CredentialKey key, String holder) {
        String provider = key.provider().cliName();
        return new CredentialStoreException("The " + provider + " refresh by " + holder + " ended without storing"
                + " its result; the new tokens may wait in that machine's journal, so the refresh token here may be"
                + " spent (sending it again would sign this account out everywhere).", null, "Run `maestro-auth"
                + " token " + provider + "` on that machine, which stores them, or sign in again here with"
                + " `maestro-auth login " + provider + "`.", null);
    }

    /** Best effort: a lease that cannot be released ends by itself, and the result is already stored. */
    private void release(CredentialKey key, String id) {
        try {
            sql(() -> {
                try (Connection connection = dataSource.getConnection();
                     PreparedStatement release = connection.prepareStatement(StoreSql.RELEASE_LEASE)) {
                    release.setString(1, key.accountName());
                    release.setString(2, id);
                    return release.executeUpdate();
                }
            }, RELEASE_RIDE_OUT);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("The refresh lease of {} could not be released ({}); it ends by itself", key.accountName(),
                    e.toString());
        }
    }

    @Override
    public java.util.Map<String, ai.maestro.auth.domain.UnstoredRefresh> unstoredRefreshes() {
        try {
            return sql(() -> {
                java.util.Map<String, ai.maestro.auth.domain.UnstoredRefresh> leases = new java.util.HashMap<>();
                try (Connection connection = dataSource.getConnection();
                     PreparedStatement query = connection.prepareStatement(StoreSql.UNRELEASED_LEASES);
                     ResultSet row = query.executeQuery()) {
                    while (row.next()) {
                        String host = row.getString("holder_host");
                        String who = describeHolder(row.getString("holder") + (host == null ? "" : " on " + host));
                        leases.put(row.getString("provider"), new ai.maestro.auth.domain.UnstoredRefresh(who,
                                row.getObject("lease_since", java.time.OffsetDateTime.class).toInstant(),
                                row.getBoolean("ended")));
                    }
                }
                return leases;
            });
        } catch (SQLException e) {
            throw unusable(e);
        }
    }

    /** The process holding the lease of {@code name}, as it recorded itself. */
    private Optional<LockWaits.Holder> holder(String name) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(StoreSql.LEASE_HOLDER)) {
            query.setString(1, name);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                String client = row.getString(2);
                boolean local = client == null || client.equals("127.0.0.1") || client.equals("::1");
                // How long by the database's clock, so that a machine whose clock is off says it right.
                Instant since = Instant.now().minusMillis(row.getLong(3));
                return LockWaits.Holder.parse(row.getString(1))
                        .map(h -> new LockWaits.Holder(h.pid(), Optional.empty(), Optional.of(since)))
                        .map(h -> local ? h : h.on(client));
            }
        } catch (SQLException unavailable) {
            return Optional.empty();
        }
    }

    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    /** Plain JDBC work, riding out a cut session like every other operation. */
    private <T> T sql(SqlWork<T> work) throws SQLException {
        return sql(work, RIDE_OUT);
    }

    private <T> T sql(SqlWork<T> work, Duration rideOut) throws SQLException {
        try {
            return access(() -> {
                try {
                    return work.run();
                } catch (SQLException e) {
                    throw new Wrapped(e);
                }
            }, rideOut);
        } catch (Wrapped w) {
            throw w.sql;
        }
    }

    private static final class Wrapped extends RuntimeException {
        private final transient SQLException sql;

        Wrapped(SQLException sql) {
            super(sql);
            this.sql = sql;
        }
    }

    private CredentialStoreException unusable(SQLException e) {
        return new CredentialStoreException("The credential store (" + location + ") cannot be used: "
                + e.getClass().getSimpleName() + " (SQLSTATE " + e.getSQLState() + ").", null,
                "Check that the database is reachable and MAESTRO_AUTH_DB_URL is right; nothing was changed.", e);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CredentialStoreException("Interrupted while waiting for the database.", null, "Try again.", e);
        }
    }
}
