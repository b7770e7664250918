package ai.maestro.auth.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** An API key obtained by token exchange of an id_token (OpenAI). */
public record ApiKey(Secret key, Instant obtainedAt) implements Credential {
    public ApiKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(obtainedAt, "obtainedAt");
    }

    @Override
    public AuthType authType() {
        return AuthType.API_KEY;
    }

    @Override
    public Optional<Instant> expiresAt() {
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "ApiKey[key=[redacted], obtainedAt=" + obtainedAt + "]";
    }
}
