package ai.maestro.auth.application.service;

import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.RefreshTrigger;
import java.time.Duration;
import java.time.Instant;

/**
 * Where a token stands, decided here and nowhere else: fresh (served as it is), due (inside the
 * skew window before its expiry, or the background refresher's earlier one: refreshed when a lock
 * can be had), or expired (never served). A token without an expiry is always fresh.
 */
enum Freshness {
    FRESH, DUE, EXPIRED;

    /** How {@code token} stands at {@code now} for a refresh asked for by {@code trigger}. */
    static Freshness of(OAuthToken token, Instant now, TokenLifecyclePolicy policy, RefreshTrigger trigger) {
        if (!token.isUsableAt(now, Duration.ZERO)) {
            return EXPIRED;
        }
        return now.isBefore(dueAt(token, window(policy, trigger))) ? FRESH : DUE;
    }

    /** When {@code token} becomes due, for callers that need it ({@link CachedToken} keeps it to compare). */
    static Instant dueAt(OAuthToken token, Duration window) {
        return token.expiresAt().map(at -> at.minus(window)).orElse(Instant.MAX);
    }

    /** The background refresher acts a lead earlier than a caller who needs the token now. */
    static Duration window(TokenLifecyclePolicy policy, RefreshTrigger trigger) {
        return trigger == RefreshTrigger.BACKGROUND ? policy.skew().plus(policy.backgroundLead()) : policy.skew();
    }
}
