package ai.maestro.auth.domain.login;

import ai.maestro.auth.domain.PkceParams;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.State;

import ai.maestro.auth.domain.config.ProviderConfig;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** One login attempt: what the callback must match and what the code exchange must prove. */
public record AuthorizationSession(
        ProviderId provider,
        State state,
        PkceParams pkce,
        URI redirectUri,
        Instant createdAt,
        Instant expiresAt) {

    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(10);

    public AuthorizationSession {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(pkce, "pkce");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (!expiresAt.isAfter(createdAt)) {
            throw new IllegalArgumentException("a session must expire after it is created");
        }
    }

    public static AuthorizationSession start(ProviderConfig config, SecureRandom random, Instant now, Duration lifetime) {
        return new AuthorizationSession(config.provider(), State.generate(random), PkceParams.generate(random),
                config.redirectUri(), now, now.plus(lifetime));
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "AuthorizationSession[provider=" + provider + ", state=[redacted], pkce=" + pkce
                + ", redirectUri=" + redirectUri + ", createdAt=" + createdAt + ", expiresAt=" + expiresAt + "]";
    }
}
