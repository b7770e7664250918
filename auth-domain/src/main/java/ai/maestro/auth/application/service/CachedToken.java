package ai.maestro.auth.application.service;

import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.SavedAuthentication;
import java.time.Instant;

/** A token as cached: {@code refreshAt} is when it enters the skew window (or when to retry). */
record CachedToken(SavedAuthentication row, Instant refreshAt) {
    OAuthToken token() {
        return row.requireOAuthToken();
    }

    /** Cached until it is due ({@link Freshness}). */
    static CachedToken of(SavedAuthentication row, TokenLifecyclePolicy policy) {
        OAuthToken token = row.requireOAuthToken();
        return new CachedToken(row, Freshness.dueAt(token, policy.skew()));
    }

    /** The same token, looked at again at {@code retryAt} or at its expiry, whichever is first. */
    CachedToken retryAt(Instant retryAt) {
        Instant expiry = token().expiresAt().orElse(Instant.MAX);
        return new CachedToken(row, retryAt.isBefore(expiry) ? retryAt : expiry);
    }

    boolean isFreshAt(Instant now) {
        return now.isBefore(refreshAt);
    }

    /**
     * This entry as the store's row now says: gone when the row is gone or marked for a new login,
     * replaced when another process wrote a newer one, else itself.
     */
    java.util.Optional<CachedToken> against(java.util.Optional<SavedAuthentication> stored, TokenLifecyclePolicy policy) {
        if (stored.isEmpty() || stored.get().reloginRequired().isPresent()) {
            return java.util.Optional.empty();
        }
        SavedAuthentication now = stored.get();
        boolean same = now.version() == row.version() && now.createdAt().equals(row.createdAt());
        return java.util.Optional.of(same ? this : of(now, policy));
    }
}
