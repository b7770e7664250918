package ai.maestro.auth.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored credential and its bookkeeping. {@code version} is the row's version when read (0 for
 * one never stored): the store saves only if it is still the current one (compare-and-swap).
 */
public record SavedAuthentication(
        CredentialKey key,
        Credential credential,
        Instant createdAt,
        Instant updatedAt,
        long version,
        Optional<ReloginMark> reloginRequired) {

    public SavedAuthentication {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(credential, "credential");
        if (credential.authType() != key.authType()) {
            throw new IllegalArgumentException("a " + credential.authType() + " credential in a " + key.authType()
                    + " row");
        }
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(reloginRequired, "reloginRequired");
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative");
        }
    }

    public static SavedAuthentication fresh(CredentialKey key, Credential credential, Instant now) {
        return new SavedAuthentication(key, credential, now, now, 0, Optional.empty());
    }

    /** The sign-in this row holds; empty for an API key. */
    public Optional<OAuthToken> oauthToken() {
        return credential instanceof OAuthToken token ? Optional.of(token) : Optional.empty();
    }

    /** The sign-in of a row known to hold one (an {@code OAUTH} row). */
    public OAuthToken requireOAuthToken() {
        // On the hot path (every cached token): no Optional, no lambda.
        if (credential instanceof OAuthToken token) {
            return token;
        }
        throw new IllegalStateException(key.authType() + " row holds no sign-in");
    }

    public ProviderId provider() {
        return key.provider();
    }

    public AuthType authType() {
        return key.authType();
    }

    public Optional<Instant> expiresAt() {
        return credential.expiresAt();
    }

    /** The same row with a new credential, to be saved over version {@code version()}. */
    public SavedAuthentication replacedBy(Credential newer, Instant now) {
        return new SavedAuthentication(key, newer, createdAt, now, version, Optional.empty());
    }

    public SavedAuthentication markedForRelogin(ReloginMark mark, Instant now) {
        return new SavedAuthentication(key, credential, createdAt, now, version, Optional.of(mark));
    }

    public SavedAuthentication withVersion(long newVersion) {
        return new SavedAuthentication(key, credential, createdAt, updatedAt, newVersion, reloginRequired);
    }
}
