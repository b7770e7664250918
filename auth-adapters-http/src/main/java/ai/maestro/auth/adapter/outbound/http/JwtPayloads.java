package ai.maestro.auth.adapter.outbound.http;

import ai.maestro.auth.domain.IdTokenClaims;
import ai.maestro.auth.domain.Jwt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads the payloads of the JWTs a token endpoint answered, with Jackson, into the domain's typed
 * claims. Signatures are not checked: the tokens came straight from the token endpoint over TLS
 * (OIDC Core 3.1.3.7) and the claims are used for display, the account's id and {@code exp} only.
 * A payload that is not base64url JSON yields no claims rather than an error.
 */
final class JwtPayloads {
    /** OpenAI puts its account claims in one namespaced object. */
    static final String OPENAI_AUTH_CLAIM = "https://api.openai.com/auth";
    /** 9999-12-31T23:59:59Z: beyond it a time claim is nonsense, and databases cannot store it. */
    private static final long LATEST_EPOCH_SECOND = 253_402_300_799L;

    private final ObjectMapper mapper;

    JwtPayloads(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    Optional<IdTokenClaims> idTokenClaims(Object idToken) {
        return payload(idToken).map(claims -> {
            JsonNode openai = claims.path(OPENAI_AUTH_CLAIM);
            return new IdTokenClaims(text(claims.path("email")), instant(claims.path("exp")).orElse(null),
                    text(openai.path("chatgpt_account_id")), text(openai.path("chatgpt_plan_type")));
        });
    }

    /** The {@code exp} of a JWT-shaped access token; empty for an opaque one. */
    Optional<Instant> expiry(Object accessToken) {
        return payload(accessToken).flatMap(claims -> instant(claims.path("exp")));
    }

    private Optional<JsonNode> payload(Object token) {
        if (!(token instanceof String text) || !Jwt.looksLikeJwt(text)) {
            return Optional.empty();
        }
        try {
            byte[] json = Base64.getUrlDecoder().decode(text.substring(text.indexOf('.') + 1, text.lastIndexOf('.')));
            JsonNode node = mapper.readTree(json);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (IllegalArgumentException | IOException notAJwt) {
            return Optional.empty();
        }
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    private static Optional<Instant> instant(JsonNode node) {
        if (node.isNumber()) {
            double seconds = node.asDouble();
            if (seconds > 0 && seconds <= LATEST_EPOCH_SECOND) {
                return Optional.of(Instant.ofEpochSecond((long) seconds));
            }
        }
        return Optional.empty();
    }
}
