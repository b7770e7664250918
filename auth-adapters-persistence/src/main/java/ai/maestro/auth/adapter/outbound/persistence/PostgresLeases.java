package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.UnstoredRefresh;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL refresh lock: a lease per account in {@code refresh_locks}, timed by the
 * database's clock, that outlives its holder's sessions. A lease that ended without a result is
 * taken over by the holder's own machine (at once when the holder is dead there); elsewhere only
 * once the row moved past the version its holder refreshed from, since that machine's journal may
 * hold the answer; a waiter gives that machine a few seconds after the lease ends to settle it.
 */
final class PostgresLeases {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresLeases.class);
    private static final long MAX_POLL_MILLIS = 200;
    /**
     * How long after a lease elsewhere ended without a result a waiter still waits for the holder's
     * machine to settle it: its next command does so first, a start-up away. A lease that ended
     * longer ago is reported at once.
     */
    static final Duration SETTLE_GRACE = Duration.ofSeconds(5);
    /** Releasing is a courtesy to waiters (an unreleased lease ends by itself): a short try. */
    private static final Duration RELEASE_RIDE_OUT = Duration.ofSeconds(2);

    private final StoreConnections connections;
    private final PostgresAccess access;
    /** This machine's name, written with the holder so that a dead holder here is known as dead. */
    private final String machine;

    PostgresLeases(StoreConnections connections, PostgresAccess access, String machine) {
        this.connections = connections;
        this.access = access;
        this.machine = machine;
    }

    static String newHolderId() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /**
     * Takes the lease of {@code key}, polling while another process holds an unexpired one; returns
     * who held a lease that ended without a result, when this one took it over.
     */
    Optional<String> take(CredentialKey key, Duration maxWait, String id, java.util.function.LongSupplier rowVersion) {
        String name = key.accountName();
        long version = rowVersion.getAsLong();
        // A lease taken before this wait began ends within maxWait of it: a waiter outlasts a dead holder.
        long deadline = System.nanoTime() + maxWait.plusSeconds(1).toNanos();
        long pause = 10;
        ride(h -> h.createUpdate(StoreSql.ENSURE_LOCK_ROW).bind("name", name).execute(), PostgresAccess.RIDE_OUT);
        while (true) {
            long from = version;
            Optional<Optional<String>> taken = ride(h -> tryTake(h, name, id, maxWait, from), PostgresAccess.RIDE_OUT);
            if (taken.isPresent()) {
                taken.get().ifPresent(previous -> LOG.info("The refresh lease of {} held by {} ended without a"
                        + " result (the holder died or lost the database); taking it over", name,
                        PostgresAccess.describeHolder(previous)));
                return taken.get().map(PostgresAccess::describeHolder);
            }
            Optional<Optional<String>> fromTheDead = ride(h -> takeFromADeadHolderHere(h, name, id, maxWait, from),
                    PostgresAccess.RIDE_OUT);
            if (fromTheDead.isPresent()) {
                String previous = fromTheDead.get().map(PostgresAccess::describeHolder).orElse("a process");
                LOG.info("The refresh lease of {} was held by {}, which is no longer running here; taking it"
                        + " over", name, previous);
                return Optional.of(previous);
            }
            Optional<EndedLease> elsewhere = ride(h -> endedElsewhere(h, name, from), PostgresAccess.RIDE_OUT);
            boolean late = System.nanoTime() - deadline > 0;
            if (elsewhere.isPresent()) {
                // The version read when this wait began may be stale: a settled row lets the lease go.
                long now = rowVersion.getAsLong();
                if (now != version) {
                    version = now;
                    continue;
                }
                if (late || elsewhere.get().endedMillis() > SETTLE_GRACE.toMillis()) {
                    throw answerMayWaitElsewhere(key, elsewhere.get().holder());
                }
            }
            if (late) {
                throw LockWaits.heldTooLong("the " + key.provider().cliName() + " refresh lock", maxWait, holder(name),
                        "table refresh_locks, row '" + name + "'");
            }
            PostgresAccess.pause(pause);
            pause = Math.min(pause * 2, MAX_POLL_MILLIS);
        }
    }

    /** Empty when another lease is live; else the lease is ours, with who held an expired one before. */
    private Optional<Optional<String>> tryTake(Handle h, String name, String id, Duration length, long version) {
        return h.createQuery(StoreSql.TAKE_LEASE).bind("holder", holderLine()).bind("id", id)
                .bind("millis", Math.max(1, length.toMillis())).bind("version", version).bind("name", name)
                .bind("ownMachine", "% machine " + machine.replace("_", "\\_"))
                .map((rs, ctx) -> Optional.ofNullable(rs.getString("taken_from"))).findFirst();
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
    private Optional<Optional<String>> takeFromADeadHolderHere(Handle h, String name, String id, Duration length,
                                                               long version) {
        Optional<String> deadId = h.createQuery(StoreSql.LEASE_HOLDER).bind("name", name)
                .map((rs, ctx) -> deadHere(rs) ? rs.getString("holder_id") : null).findFirst().filter(Objects::nonNull);
        if (deadId.isEmpty()) {
            return Optional.empty();
        }
        return h.createQuery(StoreSql.TAKE_OVER_LEASE).bind("holder", holderLine()).bind("id", id)
                .bind("millis", Math.max(1, length.toMillis())).bind("version", version).bind("name", name)
                .bind("deadId", deadId.get())
                .map((rs, ctx) -> Optional.ofNullable(rs.getString("taken_from"))).findFirst();
    }

    /** Whether the lease in {@code rs} is held by a process of this machine that is no longer running. */
    private boolean deadHere(java.sql.ResultSet rs) throws java.sql.SQLException {
        String holder = rs.getString("holder");
        boolean here = holder != null && !machine.isEmpty() && holder.endsWith(" machine " + machine)
                && Objects.equals(rs.getString("holder_host"), rs.getString("asking"));
        Optional<LockWaits.Holder> parsed = LockWaits.Holder.parse(holder);
        return here && parsed.isPresent() && !parsed.get().isRunningHere();
    }

    /**
     * Lock names of the leases dead processes of this machine hold: only a process here can settle
     * them (its journal may hold the answer), and other machines wait on them until one does.
     */
    java.util.Set<String> abandonedHere() {
        return riding(() -> connections.read(StoreSql.LEASE_HOLDERS, rs -> deadHere(rs) ? rs.getString("lock_name")
                : null).stream().filter(Objects::nonNull).collect(java.util.stream.Collectors.toUnmodifiableSet()),
                PostgresAccess.RIDE_OUT);
    }

    /**
     * The holder of an ended lease on another machine, when it refreshed from the row version this
     * process sees: the provider may have answered it, and the answer may wait in that machine's
     * journal, so the refresh token here may be spent. Empty otherwise.
     */
    private Optional<EndedLease> endedElsewhere(Handle h, String name, long version) {
        return h.createQuery(StoreSql.ENDED_LEASE_FROM).bind("name", name).bind("version", version)
                .map((rs, ctx) -> {
                    String holder = rs.getString("holder");
                    if (holder == null || holder.endsWith(" machine " + machine)) {
                        return null;
                    }
                    String host = rs.getString("holder_host");
                    return new EndedLease(PostgresAccess.describeHolder(holder + (host == null ? "" : " on " + host)),
                            rs.getLong("ended_ms"));
                }).findFirst().filter(Objects::nonNull);
    }

    /** A lease elsewhere that ended without a result: who held it, and how long ago it ended (database clock). */
    private record EndedLease(String holder, long endedMillis) {
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
    void release(CredentialKey key, String id) {
        try {
            ride(h -> h.createUpdate(StoreSql.RELEASE_LEASE).bind("name", key.accountName()).bind("id", id).execute(),
                    RELEASE_RIDE_OUT);
        } catch (RuntimeException e) {
            LOG.debug("The refresh lease of {} could not be released ({}); it ends by itself", key.accountName(),
                    e.toString());
        }
    }

    /** Leases taken and not released, by lock name: refreshes in flight or ended without a result. */
    Map<String, UnstoredRefresh> unstored() {
        return riding(() -> {
            Map<String, UnstoredRefresh> leases = new HashMap<>();
            connections.read(StoreSql.UNRELEASED_LEASES, rs -> {
                String host = rs.getString("holder_host");
                String who = PostgresAccess.describeHolder(rs.getString("holder") + (host == null ? "" : " on " + host));
                return Map.entry(rs.getString("lock_name"), new UnstoredRefresh(who,
                        rs.getObject("lease_since", OffsetDateTime.class).toInstant(), rs.getBoolean("ended")));
            }).forEach(entry -> leases.put(entry.getKey(), entry.getValue()));
            return leases;
        }, PostgresAccess.RIDE_OUT);
    }

    /** The process holding the lease of {@code name}, as it recorded itself. */
    private Optional<LockWaits.Holder> holder(String name) {
        try {
            return connections.jdbi().withHandle(h -> h.createQuery(StoreSql.LEASE_HOLDER).bind("name", name).map((rs, ctx) -> {
                String client = rs.getString("holder_host");
                boolean local = client == null || client.equals("127.0.0.1") || client.equals("::1");
                // How long by the database's clock, so that a machine whose clock is off says it right.
                java.time.Instant since = java.time.Instant.now().minusMillis(rs.getLong("held_ms"));
                return LockWaits.Holder.parse(rs.getString("holder"))
                        .map(held -> new LockWaits.Holder(held.pid(), Optional.empty(), Optional.of(since)))
                        .map(held -> local ? held : held.on(client));
            }).findFirst().flatMap(held -> held));
        } catch (JdbiException unavailable) {
            return Optional.empty();
        }
    }

    /** Work on a handle of its own, riding out a cut session like every other operation. */
    private <T> T ride(HandleCallback<T, RuntimeException> work, Duration rideOut) {
        return riding(() -> connections.jdbi().withHandle(work), rideOut);
    }

    /**
     * Any work riding out a cut session, a failure said in the user's terms; reads pass their own
     * JDBC statements (no Jdbi for a command that only reads), the rest {@link #ride}'s handle.
     */
    private <T> T riding(java.util.function.Supplier<T> work, Duration rideOut) {
        try {
            return access.access(work, rideOut);
        } catch (JdbiException e) {
            throw access.unusable(e);
        }
    }
}
