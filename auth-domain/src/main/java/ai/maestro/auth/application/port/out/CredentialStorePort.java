package ai.maestro.auth.application.port.out;

import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.CredentialSummary;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where credentials live, one row per (provider, auth type). Failures to read or decrypt are
 * {@link ai.maestro.auth.domain.error.CredentialStoreException}; nothing is ever overwritten by one.
 */
public interface CredentialStorePort {

    Optional<SavedAuthentication> find(ProviderId provider, AuthType authType);

    /**
     * Compare-and-swap on {@code candidate.version()}: inserts when it is 0 and no row exists,
     * updates when the stored version equals it; otherwise changes nothing and reports a conflict.
     */
    SaveResult save(SavedAuthentication candidate);

    boolean delete(ProviderId provider, AuthType authType);

    /** Every row this version knows (provider and auth type), without decrypting any. */
    List<CredentialSummary> list();

    /**
     * Throws {@link ai.maestro.auth.domain.error.CredentialStoreException} when a new login of
     * {@code provider} could not be stored (its current row is unreadable, no key to encrypt with),
     * so that it is said before the user signs in and the authorization code is spent.
     */
    default void checkReadyForLogin(ProviderId provider) {
        find(provider, AuthType.OAUTH);
    }

    /**
     * Runs {@code work} (several reads or writes of this store) as one visit: a store that opens its
     * database per operation opens it once for all of them. Other processes wait for the whole visit,
     * so it must be short (no network).
     */
    default <T> T inOneVisit(Supplier<T> work) {
        return work.get();
    }

    /**
     * Rows whose provider or auth type this version does not know (a newer version wrote them), as
     * {@code provider/auth_type}: shown, never read, changed or deleted.
     */
    default List<String> unrecognizedRows() {
        return List.of();
    }

    /**
     * Runs {@code work} holding the store-wide refresh lock of {@code provider}: processes sharing
     * the store run it one at a time. Waits at most {@code maxWait} for the lock, then throws
     * {@link ai.maestro.auth.domain.error.CredentialStoreException}.
     */
    <T> T withRefreshLock(ProviderId provider, Duration maxWait, Supplier<T> work);

    /**
     * A number every write (save, delete) changes. Two equal readings mean nothing changed in
     * between, so a process can notice another's logout or login without reading rows.
     */
    long changeStamp();

    /**
     * Called under the refresh lock before the refresh token of {@code current} is spent: makes sure
     * the rotated credential will have a durable place (e.g. reserves journal space, going through
     * the whole write once so that recording the answer is quick), or throws
     * {@link ai.maestro.auth.domain.error.CredentialStoreException} so that nothing is spent.
     */
    default void prepareRotation(SavedAuthentication current) {
    }

    /**
     * Saves a rotated credential, like {@link #save}, but durably first and persistently: a failing
     * database is retried for a bounded time, and a rotation that cannot reach the store is kept
     * where the next holder of the refresh lock applies it. Throws
     * {@link ai.maestro.auth.domain.error.CredentialStoreException} when it is not in the store.
     */
    default SaveResult commitRotation(SavedAuthentication candidate) {
        return save(candidate);
    }

    /** The refresh did not produce a credential: releases what {@link #prepareRotation} took. */
    default void abandonRotation(ProviderId provider) {
    }
}
