package ai.maestro.auth.domain;

import ai.maestro.auth.domain.token.TokenResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated token set (built by {@code TokenResponse.validate}). {@code idTokenClaims} is what the
 * adapter that received or read the id_token decoded from it (for display and the account id).
 */
public record OAuthToken(
        Secret accessToken,
        Optional<Secret> refreshToken,
        Optional<Secret> idToken,
        String tokenType,
        List<String> scope,
        Optional<Instant> expiresAt,
        Instant obtainedAt,
        Optional<IdTokenClaims> idTokenClaims) implements Credential {

    public OAuthToken {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(idToken, "idToken");
        Objects.requireNonNull(tokenType, "tokenType");
        scope = List.copyOf(scope);
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(obtainedAt, "obtainedAt");
        Objects.requireNonNull(idTokenClaims, "idTokenClaims");
        if (idToken.isEmpty()) {
            idTokenClaims = Optional.empty();
        }
    }

    /** A token set whose id_token (if any) nobody has decoded. */
    public OAuthToken(Secret accessToken, Optional<Secret> refreshToken, Optional<Secret> idToken, String tokenType,
                      List<String> scope, Optional<Instant> expiresAt, Instant obtainedAt) {
        this(accessToken, refreshToken, idToken, tokenType, scope, expiresAt, obtainedAt, Optional.empty());
    }

    /**
     * The same tokens with {@code refreshToken} in place of the spent one, due for a refresh at
     * {@code now}: what is kept of a refresh answer that was refused for another field.
     */
    public OAuthToken withRotatedRefreshTokenOnly(Secret refresh, Instant now) {
        return new OAuthToken(accessToken, Optional.of(refresh), idToken, tokenType, scope, Optional.of(now),
                obtainedAt, idTokenClaims);
    }

    /** The same tokens with the claims an adapter decoded from the id_token. */
    public OAuthToken withIdTokenClaims(Optional<IdTokenClaims> claims) {
        return new OAuthToken(accessToken, refreshToken, idToken, tokenType, scope, expiresAt, obtainedAt, claims);
    }

    @Override
    public AuthType authType() {
        return AuthType.OAUTH;
    }

    /** True when the token will still be valid {@code skew} from now. Unknown expiry counts as valid. */
    public boolean isUsableAt(Instant now, Duration skew) {
        return expiresAt.map(at -> now.plus(skew).isBefore(at)).orElse(true);
    }

    public boolean isRefreshable() {
        return refreshToken.isPresent();
    }

    /**
     * The token set after a refresh: a response may omit refresh_token or id_token (RFC 6749 §6),
     * in which case the previous ones stay valid and are kept.
     */
    public OAuthToken refreshedBy(OAuthToken fresh) {
        return new OAuthToken(fresh.accessToken,
                fresh.refreshToken.or(() -> refreshToken),
                fresh.idToken.or(() -> idToken),
                fresh.tokenType,
                fresh.scope.isEmpty() ? scope : fresh.scope,
                fresh.expiresAt,
                fresh.obtainedAt,
                fresh.idToken.isPresent() ? fresh.idTokenClaims : idTokenClaims);
    }

    @Override
    public String toString() {
        return "OAuthToken[accessToken=[redacted], refreshToken=" + (refreshToken.isPresent() ? "[redacted]" : "none")
                + ", idToken=" + (idToken.isPresent() ? "[redacted]" : "none") + ", tokenType=" + tokenType
                + ", scope=" + scope + ", expiresAt=" + expiresAt.map(Instant::toString).orElse("unknown")
                + ", obtainedAt=" + obtainedAt + "]";
    }
}
