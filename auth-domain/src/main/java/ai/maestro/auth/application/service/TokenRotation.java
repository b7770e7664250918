package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.outbound.AuthEvents;
import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.application.port.outbound.RefreshLocks;
import ai.maestro.auth.application.port.outbound.RotationLog;
import ai.maestro.auth.application.port.outbound.TokenEndpointPort;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.RefreshOutcome;
import ai.maestro.auth.domain.RefreshRecord;
import ai.maestro.auth.domain.RefreshTrigger;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.token.TokenResponse;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.domain.error.CredentialStoreException;
import ai.maestro.auth.domain.error.InvalidTokenResponseException;
import ai.maestro.auth.domain.error.NotLoggedInException;
import ai.maestro.auth.domain.error.ProviderUnavailableException;
import ai.maestro.auth.domain.error.ReloginRequiredException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One refresh of one credential across every process sharing the store: read the row, and only if
 * no one else refreshed meanwhile, take the store's refresh lock, make room for the rotated token,
 * spend the refresh token, and store its successor before anyone uses the new access token.
 */
final class TokenRotation {
    private final CredentialRows rows;
    private final RefreshLocks locks;
    private final RotationLog log;
    private final TokenEndpointPort tokenEndpoint;
    private final ProviderConfigs configs;
    private final Clock clock;
    private final TokenLifecyclePolicy policy;
    private final RefreshEnds ends;

    TokenRotation(CredentialRows rows, RefreshLocks locks, RotationLog log, TokenEndpointPort tokenEndpoint,
                  ProviderConfigs configs, Clock clock, TokenLifecyclePolicy policy, AuthEvents events) {
        this.ends = new RefreshEnds(rows, log, events, clock);
        this.rows = rows;
        this.locks = locks;
        this.log = log;
        this.tokenEndpoint = tokenEndpoint;
        this.configs = configs;
        this.clock = clock;
        this.policy = policy;
    }

    /** A fresh token for {@code key}, refreshed when {@code need} asks for it and no one else did. */
    CachedToken obtain(CredentialKey key, RefreshTrigger need, Secret rejected) {
        Instant now = clock.instant();
        SavedAuthentication seen = current(key);
        // Another process may have refreshed already: a fresh row in the store makes a refresh unnecessary.
        if (need == RefreshTrigger.REJECTED ? holdsAnother(seen, rejected) && isFresh(seen, now, need)
                : need != RefreshTrigger.FORCED && isFresh(seen, now, need)) {
            return CachedToken.of(seen, policy);
        }
        long started = System.nanoTime();
        try {
            return locks.withRefreshLock(key, policy.refreshLockWait(),
                    () -> refreshLocked(key, seen, need, rejected, started));
        } catch (CredentialStoreException e) {
            if (e.isLockWait()) {
                ends.ended(key, need, started, RefreshRecord.failed(clock.instant(), RefreshOutcome.LOCK_TIMEOUT,
                        "another process held the refresh lock longer than this one could wait"));
            }
            throw e;
        }
    }

    /** The row when its token is fresh; empty when it is due or expired. Never refreshes, never locks. */
    Optional<SavedAuthentication> freshRow(CredentialKey key, Instant now) {
        SavedAuthentication row = current(key);
        return isFresh(row, now, RefreshTrigger.DUE) ? Optional.of(row) : Optional.empty();
    }

    /** The row, which must exist and not be marked for a new login. */
    SavedAuthentication current(CredentialKey key) {
        SavedAuthentication row = rows.find(key)
                .orElseThrow(() -> new NotLoggedInException(key.provider(), AuthType.OAUTH));
        row.reloginRequired().ifPresent(mark -> {
            throw new ReloginRequiredException(key.provider(), null, "it was marked at " + mark.since() + " ("
                    + mark.reason() + ")");
        });
        return row;
    }

    private static boolean holdsAnother(SavedAuthentication row, Secret rejected) {
        return !row.requireOAuthToken().accessToken().equals(rejected);
    }

    private CachedToken refreshLocked(CredentialKey key, SavedAuthentication seen, RefreshTrigger need,
                                      Secret rejected, long started) {
        Instant now = clock.instant();
        SavedAuthentication row = current(key);
        // A holder that died (or lost the store) after the provider answered left that answer
        // behind: its refresh token is spent, so the answer goes in before anything is sent.
        Optional<RotationLog.RecordedAnswer> left = log.recordedAnswer(row);
        if (left.isPresent()) {
            row = applyRecordedAnswer(row, left.get());
        }
        boolean someoneElseRefreshed = left.isPresent() || (need == RefreshTrigger.REJECTED
                ? holdsAnother(row, rejected) : row.version() != seen.version());
        boolean mustRefresh = need == RefreshTrigger.FORCED || need == RefreshTrigger.REJECTED;
        if (isFresh(row, now, need) && (!mustRefresh || someoneElseRefreshed)) {
            return CachedToken.of(row, policy);
        }
        OAuthToken token = row.requireOAuthToken();
        if (token.refreshToken().isEmpty()) {
            if (Freshness.of(token, now, policy, need) != Freshness.EXPIRED) {
                return CachedToken.of(row, policy);
            }
            throw new ReloginRequiredException(key.provider(), null, "the token expired and no refresh token was"
                    + " issued");
        }
        return rotate(key, row, need, mustRefresh, now, started);
    }

    /** Spends the refresh token; a still-valid token is served a while longer when the provider is down. */
    private CachedToken rotate(CredentialKey key, SavedAuthentication row, RefreshTrigger need, boolean mustRefresh,
                               Instant now, long started) {
        OAuthToken token = row.requireOAuthToken();
        // A place for the rotated token must exist before the old refresh token is spent.
        log.prepareRotation(row);
        OAuthToken fresh;
        try {
            fresh = exchange(key, row, token, need, started);
        } catch (ProviderUnavailableException e) {
            if (!mustRefresh && Freshness.of(token, now, policy, need) != Freshness.EXPIRED) {
                // Still valid: serve it for a while and try again later rather than fail the caller.
                return new CachedToken(row, Instant.MAX).retryAt(now.plus(policy.transientRetryDelay()));
            }
            throw e;
        }
        return store(key, row.replacedBy(token.refreshedBy(fresh), clock.instant()), need, started);
    }

    /** The token endpoint's new tokens, its answer journaled as it arrives; each failure ends the attempt. */
    private OAuthToken exchange(CredentialKey key, SavedAuthentication row, OAuthToken token, RefreshTrigger need,
                                long started) {
        try {
            TokenResponse answer = tokenEndpoint.refresh(configs.get(key.provider()), token.refreshToken().get(),
                    body -> log.recordAnswer(row, body));
            try {
                return answer.validate(clock.instant());
            } catch (InvalidTokenResponseException refused) {
                RuntimeException reported = keepRotatedRefreshToken(row, token, answer, refused);
                // The answer was recorded as it came; unacceptable, it is nothing to apply later.
                log.abandonRotation(key);
                ends.ended(key, need, started, RefreshRecord.failed(clock.instant(), RefreshOutcome.REFUSED,
                        "the token endpoint's answer was not acceptable"));
                throw reported;
            }
        } catch (ReloginRequiredException e) {
            log.abandonRotation(key);
            ends.ended(key, need, started, RefreshRecord.failed(clock.instant(), RefreshOutcome.DEAD_GRANT,
                    "the provider refused the refresh token" + RefreshEnds.code(e)));
            ends.markForRelogin(row, e);
            throw e;
        } catch (ProviderUnavailableException e) {
            log.abandonRotation(key);
            ends.ended(key, need, started, RefreshRecord.failed(clock.instant(), RefreshOutcome.UNAVAILABLE,
                    "the token endpoint was unavailable"));
            throw e;
        } catch (RuntimeException e) {
            log.abandonRotation(key);
            throw e;
        }
    }

    /** The rotated refresh token is durable before anyone uses the new access token. */
    private CachedToken store(CredentialKey key, SavedAuthentication rotated, RefreshTrigger need, long started) {
        SaveResult saved;
        try {
            saved = log.commitRotation(rotated);
        } catch (CredentialStoreException e) {
            ends.ended(key, need, started, RefreshRecord.failed(clock.instant(), RefreshOutcome.STORE_FAILURE,
                    "the credential store failed while saving the new tokens"));
            throw e;
        }
        ends.ended(key, need, started, RefreshRecord.succeeded(clock.instant()));
        if (saved instanceof SaveResult.Saved ok) {
            return CachedToken.of(ok.stored(), policy);
        }
        // Only a login can write without the lock; its token is the newest, so use it.
        return CachedToken.of(current(key), policy);
    }

    /** Applies an answer a dead holder recorded for {@code key}'s row, under the refresh lock; sends nothing. */
    SavedAuthentication settle(CredentialKey key, Duration wait) {
        return locks.withRefreshLock(key, wait, () -> {
            SavedAuthentication row = current(key);
            Optional<RotationLog.RecordedAnswer> left = log.recordedAnswer(row);
            return left.isPresent() ? applyRecordedAnswer(row, left.get()) : row;
        });
    }

    /** Stores the answer a dead holder recorded for {@code row}'s refresh, as that holder would have. */
    private SavedAuthentication applyRecordedAnswer(SavedAuthentication row, RotationLog.RecordedAnswer left) {
        OAuthToken token = row.requireOAuthToken();
        TokenResponse answer = tokenEndpoint.readAnswer(left.body());
        OAuthToken fresh;
        try {
            fresh = answer.validate(left.receivedAt());
        } catch (InvalidTokenResponseException refused) {
            RuntimeException reported = keepRotatedRefreshToken(row, token, answer, refused);
            log.abandonRotation(row.key());
            throw reported;
        }
        log.commitRotation(row.replacedBy(token.refreshedBy(fresh), clock.instant()));
        return current(row.key());
    }

    /**
     * A refused answer that carries a well-formed new refresh token: the old one is spent at the
     * provider, so the new one is stored (due for a refresh now, the old access token kept) before the
     * refusal is reported. Without one, nothing was rotated that could be kept.
     */
    private RuntimeException keepRotatedRefreshToken(SavedAuthentication row, OAuthToken token, TokenResponse answer,
                                                     InvalidTokenResponseException refused) {
        Optional<Secret> next = answer.wellFormedRefreshToken().filter(r -> !r.equals(token.refreshToken().get()));
        if (next.isEmpty()) {
            return refused;
        }
        Instant now = clock.instant();
        SaveResult saved = log.commitRotation(row.replacedBy(token.withRotatedRefreshTokenOnly(next.get(), now), now));
        return saved instanceof SaveResult.Saved ? refused.refreshTokenKept() : refused;
    }

    private boolean isFresh(SavedAuthentication row, Instant now, RefreshTrigger need) {
        return Freshness.of(row.requireOAuthToken(), now, policy, need) == Freshness.FRESH;
    }
}
