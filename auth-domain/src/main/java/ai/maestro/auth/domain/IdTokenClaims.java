package ai.maestro.auth.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Who is logged in, as the id_token tells it. For display only. */
public record IdTokenClaims(String email, Instant expiresAt, String accountId, String planType) {
    /** OpenAI puts its account claims in one namespaced object. */
    static final String OPENAI_AUTH_CLAIM = "https://api.openai.com/auth";

    /** Decodes an id_token; throws {@link ai.maestro.auth.domain.error.MalformedJwtException} when it is not one. */
    public static IdTokenClaims decode(String idToken) {
        Map<String, Object> claims = Jwt.payload(idToken);
        Map<?, ?> openai = claims.get(OPENAI_AUTH_CLAIM) instanceof Map<?, ?> m ? m : Map.of();
        return new IdTokenClaims(
                text(claims.get("email")),
                Jwt.instantClaim(claims, "exp").orElse(null),
                text(openai.get("chatgpt_account_id")),
                text(openai.get("chatgpt_plan_type")));
    }

    public Optional<String> emailIfKnown() {
        return Optional.ofNullable(email);
    }

    public Optional<String> planTypeIfKnown() {
        return Optional.ofNullable(planType);
    }

    public Optional<String> accountIdIfKnown() {
        return Optional.ofNullable(accountId);
    }

    private static String text(Object value) {
        return value instanceof String s && !s.isBlank() ? s : null;
    }
}
