package ai.maestro.auth.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * What the store can say about a row without decrypting it, with the account it belongs to, its
 * last refresh and a refresh another process has not stored yet.
 */
public record CredentialSummary(
        CredentialKey key,
        String label,
        boolean isDefault,
        Optional<Instant> expiresAt,
        Instant updatedAt,
        long version,
        boolean reloginRequired,
        Optional<RefreshRecord> lastRefresh,
        Optional<UnstoredRefresh> unstoredRefresh) {

    public CredentialSummary {
        java.util.Objects.requireNonNull(lastRefresh, "lastRefresh");
        java.util.Objects.requireNonNull(unstoredRefresh, "unstoredRefresh");
    }

    public CredentialSummary withUnstoredRefresh(Optional<UnstoredRefresh> unstored) {
        return new CredentialSummary(key, label, isDefault, expiresAt, updatedAt, version, reloginRequired,
                lastRefresh, unstored);
    }

    public ProviderId provider() {
        return key.provider();
    }

    public AuthType authType() {
        return key.authType();
    }
}
