package ai.maestro.auth.adapter.out.persistence;

import ai.maestro.auth.domain.ProviderId;
import java.time.Duration;
import java.util.function.Supplier;

/** How this process reaches the database and serialises refreshes with the other processes sharing it. */
interface StoreAccess {
    /** Runs one database operation (a short one: no network call inside). */
    <T> T access(Supplier<T> operation);

    /** Runs {@code work} holding the refresh lock of {@code provider}; waits at most {@code maxWait}. */
    <T> T withRefreshLock(ProviderId provider, Duration maxWait, Supplier<T> work);
}
