package ai.maestro.auth.domain;

import java.time.Instant;
import java.util.Optional;

/** What a store row holds once decrypted: an OAuth token set or an API key. */
public sealed interface Credential permits OAuthToken, ApiKey {
    AuthType authType();

    Optional<Instant> expiresAt();
}
