package ai.maestro.auth.adapter.outbound.http;

import ai.maestro.auth.domain.IdTokenClaims;
import ai.maestro.auth.domain.Jwt;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the payloads of the JWTs a token endpoint answered into the domain's typed
 * claims. Signatures are not checked: the tokens came straight from the token endpoint over TLS
 * (OIDC Core 3.1.3.7) and the claims are used for display, the account's id and {@code exp} only.
 * A payload that is not base64url JSON yields no claims rather than an error.
 */
final class JwtPayloads {
    /** OpenAI puts its account claims in one namespaced object. */
    static final String OPENAI_AUTH_CLAIM = "https://api.openai.com/auth";
    /** 9999-12-31T23:59:59Z: beyond it a time claim is nonsense, and databases cannot store it. */
    private static final long LATEST_EPOCH_SECOND = 253_402_300_799L;

    Optional<IdTokenClaims> idTokenClaims(Object idToken) {
        return payload(idToken).map(claims -> {
            Map<String, Object> openai = JsonMaps.member(claims, OPENAI_AUTH_CLAIM);
            return new IdTokenClaims(JsonMaps.text(claims, "email"), instant(claims.get("exp")).orElse(null),
                    JsonMaps.text(openai, "chatgpt_account_id"), JsonMaps.text(openai, "chatgpt_plan_type"));
        });
    }

    /** The {@code exp} of a JWT-shaped access token; empty for an opaque one. */
    Optional<Instant> expiry(Object accessToken) {
        return payload(accessToken).flatMap(claims -> instant(claims.get("exp")));
    }

    private static Optional<Map<String, Object>> payload(Object token) {
        if (!(token instanceof String text) || !Jwt.looksLikeJwt(text)) {
            return Optional.empty();
        }
        try {
            return JsonMaps.object(Base64.getUrlDecoder().decode(text.substring(text.indexOf('.') + 1,
                    text.lastIndexOf('.'))));
        } catch (IllegalArgumentException notAJwt) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> instant(Object value) {
        if (value instanceof Number number) {
            double seconds = number.doubleValue();
            if (seconds > 0 && seconds <= LATEST_EPOCH_SECOND) {
                return Optional.of(Instant.ofEpochSecond((long) seconds));
            }
        }
        return Optional.empty();
    }
}
