package ai.maestro.auth.domain;

import ai.maestro.auth.domain.error.MalformedJwtException;
import ai.maestro.auth.domain.json.MiniJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a JWT's payload without verifying its signature. That is enough for display and for
 * {@code exp}: the token came straight from the token endpoint over TLS (OIDC Core §3.1.3.7);
 * nothing here is used to make an authorization decision.
 */
public final class Jwt {
    private Jwt() {
    }

    public static boolean looksLikeJwt(String token) {
        return token != null && token.chars().filter(c -> c == '.').count() == 2 && token.length() < 64 * 1024;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> payload(String token) {
        if (!looksLikeJwt(token)) {
            throw new MalformedJwtException("it does not have three dot-separated parts");
        }
        String encoded = token.substring(token.indexOf('.') + 1, token.lastIndexOf('.'));
        String json;
        try {
            json = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedJwtException("its payload is not base64url");
        }
        Object parsed;
        try {
            parsed = MiniJson.parse(json);
        } catch (MiniJson.JsonException e) {
            throw new MalformedJwtException("its payload is not JSON (" + e.getMessage() + ")");
        }
        if (!(parsed instanceof Map)) {
            throw new MalformedJwtException("its payload is not a JSON object");
        }
        return (Map<String, Object>) parsed;
    }

    /** The {@code exp} claim of a JWT-shaped token, or empty when it is not a JWT or has none. */
    public static Optional<Instant> expiry(String token) {
        if (!looksLikeJwt(token)) {
            return Optional.empty();
        }
        try {
            return instantClaim(payload(token), "exp");
        } catch (MalformedJwtException e) {
            return Optional.empty();
        }
    }

    /** 9999-12-31T23:59:59Z: beyond it a time claim is nonsense, and databases cannot store it. */
    static final long LATEST_EPOCH_SECOND = 253_402_300_799L;

    static Optional<Instant> instantClaim(Map<String, Object> claims, String name) {
        Object value = claims.get(name);
        if (value instanceof Long seconds && seconds > 0 && seconds <= LATEST_EPOCH_SECOND) {
            return Optional.of(Instant.ofEpochSecond(seconds));
        }
        if (value instanceof Double seconds && seconds > 0 && seconds <= LATEST_EPOCH_SECOND) {
            return Optional.of(Instant.ofEpochSecond(seconds.longValue()));
        }
        return Optional.empty();
    }
}
