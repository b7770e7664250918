package ai.maestro.auth.application.port.outbound;

import ai.maestro.auth.domain.CredentialKey;
import java.time.Duration;
import java.util.function.Supplier;

/** Serialises the refreshes of one credential across the processes sharing a store. */
public interface RefreshLocks {
    /**
     * Runs {@code work} holding the store-wide refresh lock of {@code key}: processes sharing the
     * store run it one at a time; other credentials are not held up. Waits at most {@code maxWait}
     * for the lock, then throws {@link ai.maestro.auth.domain.error.CredentialStoreException}.
     */
    <T> T withRefreshLock(CredentialKey key, Duration maxWait, Supplier<T> work);

    /**
     * The credentials whose refresh lock a dead process of this machine still holds: a lock that
     * outlives its holder (a shared server's lease) keeps other machines waiting until a process
     * here settles it. Empty where a lock dies with its process.
     */
    java.util.Set<CredentialKey> abandonedHere();
}
