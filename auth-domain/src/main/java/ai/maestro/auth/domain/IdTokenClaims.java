package ai.maestro.auth.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * Who is logged in, as the id_token tells it: decoded by the adapter that received or read the token
 * (the token came straight from the token endpoint over TLS, OIDC Core 3.1.3.7). For display and the
 * account's id only, never for an authorization decision. Any field may be missing (null).
 */
public record IdTokenClaims(String email, Instant expiresAt, String accountId, String planType) {

    public Optional<String> emailIfKnown() {
        return Optional.ofNullable(email);
    }

    public Optional<String> planTypeIfKnown() {
        return Optional.ofNullable(planType);
    }

    public Optional<String> accountIdIfKnown() {
        return Optional.ofNullable(accountId);
    }
}
