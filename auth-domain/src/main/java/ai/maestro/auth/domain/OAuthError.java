package ai.maestro.auth.domain;

import java.util.Objects;
import java.util.Set;

/**
 * An error answer of a token endpoint: the RFC 6749 §5.2 code (or a provider's own, such as
 * OpenAI's {@code refresh_token_reused}), its description, the HTTP status, and whether trying
 * again can ever help.
 */
public record OAuthError(String code, String description, int httpStatus, Permanence permanence) {

    /** Whether repeating the same request may succeed. */
    public enum Permanence {
        /** The same request will fail again; the user must act (log in again, fix configuration). */
        PERMANENT,
        /** A later attempt may succeed (network, 5xx, 429, temporarily_unavailable). */
        TRANSIENT
    }

    /** Codes that mean the grant itself is dead: only a new login helps. */
    private static final Set<String> GRANT_DEAD = Set.of(
            "invalid_grant", "invalid_client", "unauthorized_client",
            "refresh_token_reused", "refresh_token_expired", "refresh_token_invalidated");

    private static final Set<String> TRANSIENT_CODES = Set.of("server_error", "temporarily_unavailable", "slow_down");

    private static final int MAX_DESCRIPTION = 300;

    public OAuthError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(permanence, "permanence");
        description = description == null ? null : clip(description);
    }

    /** Classifies by code first, then by status: 5xx and 429 are transient, other 4xx permanent. */
    public static OAuthError of(String code, String description, int httpStatus) {
        return new OAuthError(code, description, httpStatus, classify(code, httpStatus));
    }

    public static Permanence classify(String code, int httpStatus) {
        if (GRANT_DEAD.contains(code)) {
            return Permanence.PERMANENT;
        }
        if (TRANSIENT_CODES.contains(code) || httpStatus >= 500 || httpStatus == 429) {
            return Permanence.TRANSIENT;
        }
        return Permanence.PERMANENT;
    }

    public boolean isTransient() {
        return permanence == Permanence.TRANSIENT;
    }

    /** True when the refresh token or the client is no longer accepted: the user must log in again. */
    public boolean requiresRelogin() {
        return GRANT_DEAD.contains(code);
    }

    public String summary() {
        return code + (description == null || description.isBlank() ? "" : " (" + description + ")")
                + (httpStatus > 0 ? ", HTTP " + httpStatus : "");
    }

    private static String clip(String text) {
        String oneLine = text.replaceAll("[\\r\\n\\t]+", " ").strip();
        return oneLine.length() <= MAX_DESCRIPTION ? oneLine : oneLine.substring(0, MAX_DESCRIPTION) + "...";
    }
}
