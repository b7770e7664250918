package ai.maestro.auth.application.port.outbound;

import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.CredentialSummary;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The stored credentials, one row per {@link CredentialKey}. Failures to read or decrypt are
 * {@link ai.maestro.auth.domain.error.CredentialStoreException}; nothing is ever overwritten by one.
 */
public interface CredentialRows {

    Optional<SavedAuthentication> find(CredentialKey key);

    /**
     * Compare-and-swap on {@code candidate.version()}: inserts when it is 0 and no row exists,
     * updates when the stored version equals it; otherwise changes nothing and reports a conflict.
     * The candidate's account must be registered ({@link AccountDirectory#register}).
     */
    SaveResult save(SavedAuthentication candidate);

    /**
     * Deletes one credential; an account left without credentials is removed, and when it was its
     * provider's default, the oldest remaining account becomes the default.
     */
    boolean delete(CredentialKey key);

    /** Every row this version knows, with its account's label and default marker, without decrypting any. */
    List<CredentialSummary> list();

    /**
     * Throws {@link ai.maestro.auth.domain.error.CredentialStoreException} when a new login of
     * {@code provider} could not be stored (no key to encrypt with, the store unreadable), so that it
     * is said before the user signs in and the authorization code is spent.
     */
    void checkReadyForLogin(ProviderId provider);

    /**
     * Runs {@code work} (several reads or writes of this store) as one visit: a store that opens its
     * database per operation opens it once for all of them. Other processes wait for the whole visit,
     * so it must be short (no network).
     */
    <T> T inOneVisit(Supplier<T> work);

    /**
     * Rows whose provider or auth type this version does not know (a newer version wrote them), as
     * {@code provider/auth_type}: shown, never read, changed or deleted.
     */
    List<String> unrecognizedRows();
}
