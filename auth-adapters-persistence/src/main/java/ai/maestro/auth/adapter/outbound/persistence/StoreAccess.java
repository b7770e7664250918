package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.CredentialKey;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/** How this process reaches the database and serialises refreshes with the other processes sharing it. */
interface StoreAccess {
    /** Runs one database operation (a short one: no network call inside). */
    <T> T access(Supplier<T> operation);

    /**
     * Whether one visit should hold a connection for the operations inside it: an embedded database
     * opened per operation is then opened once; a pooled server connection gains nothing, and a cut
     * session under a held one would leave the operations inside nothing to retry on.
     */
    boolean holdsConnectionPerVisit();

    /**
     * Runs {@code work} holding the refresh lock of {@code provider}; waits at most {@code maxWait}.
     * {@code work} is told who held a lease that ended without a result, when this one took it over.
     */
    <T> T withRefreshLock(CredentialKey provider, Duration maxWait, java.util.function.LongSupplier rowVersion,
                          java.util.function.Function<Optional<String>, T> work);

    /** Inside an operation whose write succeeded on {@code handle}: moves the change stamp. */
    void changed(Handle handle);

    /** The change stamp now; cheap, since a running orchestrator reads it once a second. */
    long changeStamp(StoreConnections connections);

    /**
     * Refreshes other processes started and have not stored a result of, by lock name
     * ({@link CredentialKey#accountName()}); empty where a dead holder's lock dies with it.
     */
    java.util.Map<String, ai.maestro.auth.domain.UnstoredRefresh> unstoredRefreshes();

    /**
     * Lock names of refresh leases dead processes of this machine still hold (only a lease outlives
     * its holder: empty where the lock is the process's own).
     */
    java.util.Set<String> abandonedHere();
}
