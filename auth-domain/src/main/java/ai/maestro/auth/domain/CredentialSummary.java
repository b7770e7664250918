package ai.maestro.auth.domain;

import java.time.Instant;
import java.util.Optional;

/** What the store can say about a row without decrypting it. */
public record CredentialSummary(
        ProviderId provider,
        AuthType authType,
        Optional<Instant> expiresAt,
        Instant updatedAt,
        long version,
        boolean reloginRequired) {
}
