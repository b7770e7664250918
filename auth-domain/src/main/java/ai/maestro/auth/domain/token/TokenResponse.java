package ai.maestro.auth.domain.token;

import ai.maestro.auth.domain.IdTokenClaims;
import ai.maestro.auth.domain.Jwt;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.Secret;

import ai.maestro.auth.domain.error.InvalidTokenResponseException;
import ai.maestro.auth.domain.error.InvalidTokenResponseException.Defect;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A successful token endpoint answer as it came off the wire (RFC 6749 §5.1), not yet trusted, with
 * what the receiving adapter decoded from its JWTs: the id_token's claims and the access token's
 * {@code exp} (used when {@code expires_in} is missing).
 */
public record TokenResponse(Map<String, Object> fields, Optional<IdTokenClaims> idTokenClaims,
                            Optional<Instant> accessTokenExpiry) {
    /**
     * RFC 6750 §2.1 b64token: what a Bearer credential may hold. Anything else (CR/LF, ESC, spaces)
     * would let a server inject headers or terminal sequences through `token`'s output.
     */
    private static boolean isB64Token(String text) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '=') {
            end--;
        }
        if (end == 0) {
            return false;
        }
        // A loop, not a regular expression: OpenAI's access tokens run to kilobytes, and this is on every refresh.
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~' || c == '+' || c == '/';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
    /** RFC 6749 Appendix A.17 allows VSCHAR; the space is refused too, since tokens travel in headers and shells. */
    private static boolean isVisibleAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return !text.isEmpty();
    }

    /** Longer than any provider's lifetime; a larger value is a bug or an attack on our arithmetic. */
    static final long MAX_EXPIRES_IN_SECONDS = 400L * 24 * 3600;

    public TokenResponse {
        fields = Map.copyOf(fields.entrySet().stream().filter(e -> e.getKey() != null && e.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        java.util.Objects.requireNonNull(idTokenClaims, "idTokenClaims");
        java.util.Objects.requireNonNull(accessTokenExpiry, "accessTokenExpiry");
    }

    /** An answer whose JWTs nobody decoded. */
    public TokenResponse(Map<String, Object> fields) {
        this(fields, Optional.empty(), Optional.empty());
    }

    /** Validates every field and computes expires_at from {@code now}. */
    public OAuthToken validate(Instant now) {
        String access = requiredAccessToken();
        String tokenType = tokenType();
        Optional<Instant> expiresAt = expiresIn().map(now::plusSeconds).or(() -> accessTokenExpiry);
        Optional<Secret> refresh = optionalSecret("refresh_token", Defect.INVALID_REFRESH_TOKEN);
        Optional<Secret> id = optionalSecret("id_token", Defect.INVALID_ID_TOKEN);
        if (id.isPresent() && !Jwt.looksLikeJwt(id.get().reveal())) {
            throw new InvalidTokenResponseException(Defect.INVALID_ID_TOKEN);
        }
        return new OAuthToken(Secret.of(access), refresh, id, tokenType, scope(), expiresAt, now, idTokenClaims);
    }

    /**
     * The answer's refresh token when it is well formed, whatever else is wrong with the answer: a
     * rotating provider has spent the old one, so this one must be kept even if the rest is refused.
     */
    public Optional<Secret> wellFormedRefreshToken() {
        return fields.get("refresh_token") instanceof String text && !text.isBlank() && isVisibleAscii(text)
                ? Optional.of(Secret.of(text)) : Optional.empty();
    }

    private String requiredAccessToken() {
        Object value = fields.get("access_token");
        if (value == null) {
            throw new InvalidTokenResponseException(Defect.MISSING_ACCESS_TOKEN);
        }
        if (!(value instanceof String text) || text.isBlank()) {
            throw new InvalidTokenResponseException(Defect.BLANK_ACCESS_TOKEN);
        }
        if (!isB64Token(text)) {
            throw new InvalidTokenResponseException(Defect.INVALID_ACCESS_TOKEN);
        }
        return text;
    }

    /** RFC 6749 §7.1: the type is case-insensitive; OpenAI sometimes omits it, Bearer is then implied. */
    private String tokenType() {
        Object value = fields.get("token_type");
        if (value == null) {
            return "Bearer";
        }
        if (value instanceof String text && text.toLowerCase(Locale.ROOT).equals("bearer")) {
            return "Bearer";
        }
        throw new InvalidTokenResponseException(Defect.UNSUPPORTED_TOKEN_TYPE);
    }

    private Optional<Long> expiresIn() {
        Object value = fields.get("expires_in");
        if (value == null) {
            return Optional.empty();
        }
        BigDecimal seconds;
        try {
            seconds = value instanceof Number number ? new BigDecimal(number.toString())
                    : value instanceof String text ? new BigDecimal(text.strip()) : null;
        } catch (NumberFormatException e) {
            seconds = null;
        }
        // Under a second would be stored already expired (e.g. "1e-9"): refused like zero.
        if (seconds == null || seconds.compareTo(BigDecimal.ONE) < 0
                || seconds.compareTo(BigDecimal.valueOf(MAX_EXPIRES_IN_SECONDS)) > 0) {
            throw new InvalidTokenResponseException(Defect.INVALID_EXPIRES_IN);
        }
        return Optional.of(seconds.longValue());
    }

    private Optional<Secret> optionalSecret(String name, Defect defect) {
        Object value = fields.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text) || text.isBlank() || !isVisibleAscii(text)) {
            throw new InvalidTokenResponseException(defect);
        }
        return Optional.of(Secret.of(text));
    }

    private List<String> scope() {
        Object value = fields.get("scope");
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof String text)) {
            throw new InvalidTokenResponseException(Defect.INVALID_SCOPE);
        }
        return Arrays.stream(text.trim().split(" +")).filter(s -> !s.isEmpty()).toList();
    }

    @Override
    public String toString() {
        return "TokenResponse[fields=" + fields.keySet() + "]";
    }
}
