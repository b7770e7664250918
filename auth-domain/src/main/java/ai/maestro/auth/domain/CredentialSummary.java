package ai.maestro.auth.domain;

import java.time.Instant;
import java.util.Optional;

/** What the store can say about a row without decrypting it, with the account it belongs to. */
public record CredentialSummary(
        CredentialKey key,
        String label,
        boolean isDefault,
        Optional<Instant> expiresAt,
        Instant updatedAt,
        long version,
        boolean reloginRequired) {

    public ProviderId provider() {
        return key.provider();
    }

    public AuthType authType() {
        return key.authType();
    }
}
