package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.outbound.AuthEvents;
import ai.maestro.auth.application.port.outbound.AccountDirectory;
import ai.maestro.auth.application.port.outbound.ChangeFeed;
import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.application.port.outbound.RefreshLocks;
import ai.maestro.auth.application.port.outbound.RotationLog;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.application.port.outbound.TokenEndpointPort;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.RefreshTrigger;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.error.AuthException;
import ai.maestro.auth.domain.error.CredentialStoreException;
import ai.maestro.auth.domain.error.NotLoggedInException;
import ai.maestro.auth.domain.error.ReloginRequiredException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands out a valid access token on demand, for a named account ({@link CredentialKey}) or a
 * provider's default account. The hot path reads a per-account cache entry and compares two
 * instants. The rest is composed of small parts keyed by the credential: a {@link SingleFlight}
 * (one refresh per account at a time in this process), a {@link TokenRotation} (one refresh across
 * the processes sharing the store: OpenAI rotates refresh tokens, and a second use of one kills the
 * grant) and a {@link ChangeWatcher} (another process's logout, login or `use` is followed within
 * about a second). Accounts never wait on each other. It never switches accounts by itself: the
 * caller chooses.
 */
public final class AccessTokenService implements AutoCloseable {
    /** How often the store's change stamp is looked at, at most. */
    static final Duration CHANGE_CHECK_INTERVAL = Duration.ofSeconds(1);
    private final CredentialRows rows;
    private final Clock clock;
    private final TokenLifecyclePolicy policy;
    private final TokenRotation rotation;
    private final SingleFlight<CredentialKey, CachedToken> refreshes;
    private final ChangeWatcher changes;
    private final Map<CredentialKey, CachedToken> cache = new ConcurrentHashMap<>();
    private final DefaultAccounts defaults;
    private final BackgroundRefresher background = new BackgroundRefresher();
    private final AuthEvents events;
    private final AbandonedLocks abandoned;

    /**
     * Over the store's roles it uses: rows and accounts (the cache and defaults), the refresh lock
     * and rotation log (a {@link TokenRotation}), the change feed (a {@link ChangeWatcher}); with
     * {@code events} told of every refresh (meters, the event log).
     */
    public AccessTokenService(ProviderConfigs configs, TokenEndpointPort tokenEndpoint, CredentialRows rows,
                              AccountDirectory accounts, RefreshLocks locks, ChangeFeed feed, RotationLog log,
                              Clock clock, TokenLifecyclePolicy policy, AuthEvents events) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.defaults = new DefaultAccounts(Objects.requireNonNull(accounts, "accounts"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.events = Objects.requireNonNull(events, "events");
        this.rotation = new TokenRotation(rows, locks, log, Objects.requireNonNull(tokenEndpoint, "tokenEndpoint"),
                Objects.requireNonNull(configs, "configs"), clock, policy, events);
        this.refreshes = new SingleFlight<>(policy.inFlightWait());
        this.abandoned = new AbandonedLocks(locks, rotation::settle);
        this.changes = new ChangeWatcher(Objects.requireNonNull(feed, "feed"), CHANGE_CHECK_INTERVAL);
    }

    /** An access token of the provider's default account valid beyond the skew window, refreshed first when needed. */
    public Secret validAccessToken(ProviderId provider) {
        return validToken(provider).accessToken();
    }

    /** An access token of the account {@code key} names, valid beyond the skew window. */
    public Secret validAccessToken(CredentialKey key) {
        return validToken(key).accessToken();
    }

    /** The whole token set behind {@link #validAccessToken(ProviderId)} (e.g. for the id_token's account id). */
    public OAuthToken validToken(ProviderId provider) {
        Instant now = clock.instant(); // one reading for the whole hot path
        lookForOtherProcesses(now);
        return validToken(defaultKey(provider), now);
    }

    /** The whole token set behind {@link #validAccessToken(CredentialKey)}; same hot path. */
    public OAuthToken validToken(CredentialKey key) {
        Instant now = clock.instant();
        lookForOtherProcesses(now);
        return validToken(key, now);
    }

    /**
     * The token of {@code key} when fresh (cached, or read and cached); empty when it needs a refresh,
     * which this never starts (a caller reading in one visit of the store refreshes after it).
     */
    public Optional<OAuthToken> freshToken(CredentialKey key) {
        Instant now = clock.instant();
        lookForOtherProcesses(now);
        CachedToken cached = cache.get(key);
        if (cached != null && cached.isFreshAt(now)) {
            return Optional.of(cached.token());
        }
        return rotation.freshRow(key, now).map(row -> {
            cache.put(key, CachedToken.of(row, policy));
            return row.requireOAuthToken();
        });
    }

    /**
     * The key of the provider's default account, read from the store once and again after any
     * change, so that a `use` in another process is followed within about a second.
     */
    public CredentialKey defaultKey(ProviderId provider) {
        return defaults.key(provider);
    }

    private OAuthToken validToken(CredentialKey key, Instant now) {
        CachedToken cached = cache.get(key);
        if (cached != null && cached.isFreshAt(now)) {
            return cached.token();
        }
        try {
            return refresh(key, RefreshTrigger.DUE, null).token();
        } catch (CredentialStoreException storeDown) {
            if (cached == null || Freshness.of(cached.token(), now, policy, RefreshTrigger.DUE) == Freshness.EXPIRED) {
                throw storeDown;
            }
            // As for a provider outage: serve the still-valid token, try again a little later.
            cache.replace(key, cached, cached.retryAt(now.plus(policy.transientRetryDelay())));
            return cached.token();
        }
    }

    /**
     * The provider answered 401 to {@code rejected}. Another process may have refreshed already, so
     * the store is read first; only if it still holds the rejected token is it refreshed, once per
     * process however many callers were rejected together (single-flight). Throws
     * {@link ReloginRequiredException} when the grant is dead.
     */
    public OAuthToken afterRejection(ProviderId provider, Secret rejected) {
        return afterRejection(defaultKey(provider), rejected);
    }

    /** As {@link #afterRejection(ProviderId, Secret)} for a named account. */
    public OAuthToken afterRejection(CredentialKey key, Secret rejected) {
        Objects.requireNonNull(rejected, "rejected");
        boolean recovered = false;
        try {
            OAuthToken token = recoverFrom(key, rejected);
            recovered = !token.accessToken().equals(rejected);
            return token;
        } finally {
            events.requestRejected(key.provider(), recovered);
        }
    }

    private OAuthToken recoverFrom(CredentialKey key, Secret rejected) {
        CachedToken cached = cache.get(key);
        if (cached != null && !cached.token().accessToken().equals(rejected) && cached.isFreshAt(clock.instant())) {
            return cached.token();
        }
        OAuthToken token = refresh(key, RefreshTrigger.REJECTED, rejected).token();
        if (token.accessToken().equals(rejected)) {
            // It joined a refresh started for another reason, which kept the token: ask once more.
            token = refresh(key, RefreshTrigger.REJECTED, rejected).token();
        }
        return token;
    }

    /** Refreshes now even if the token is still valid (unless another process just did). */
    public SavedAuthentication refreshNow(CredentialKey key) {
        return refresh(key, RefreshTrigger.FORCED, null).row();
    }

    /** Stores an answer a process that died after the provider answered left for {@code key}; sends nothing. */
    public SavedAuthentication settle(CredentialKey key) {
        cache.remove(key);
        return rotation.settle(key, policy.refreshLockWait());
    }

    /** Drops the cached token and default (e.g. after a logout in this process). */
    public void forget(CredentialKey key) {
        cache.remove(key);
        defaults.forget();
    }

    /** One refresh per account at a time in this process; its result is cached, a dead grant forgotten. */
    private CachedToken refresh(CredentialKey key, RefreshTrigger need, Secret rejected) {
        return refreshes.run(key, () -> {
            try {
                CachedToken result = rotation.obtain(key, need, rejected);
                cache.put(key, result);
                return result;
            } catch (ReloginRequiredException | NotLoggedInException gone) {
                cache.remove(key);
                throw gone;
            }
        });
    }

    private void lookForOtherProcesses(Instant now) {
        if (changes.due(now)) {
            noticeOtherProcesses(now);
        }
    }

    /**
     * When the store changed, every cached token is checked against its row and defaults are read
     * again. The first time, the locks dead processes of this machine left are settled too.
     */
    private void noticeOtherProcesses(Instant now) {
        abandoned.settleOnce();
        changes.look(now, () -> !cache.isEmpty() || !defaults.isEmpty(), () -> {
            defaults.forget();
            cache.keySet().forEach(this::revalidate);
        });
    }

    private void revalidate(CredentialKey key) {
        CachedToken old = cache.get(key);
        if (old != null) {
            old.against(rows.find(key), policy).ifPresentOrElse(now -> cache.replace(key, old, now),
                    () -> cache.remove(key, old));
        }
    }

    /** Starts the background refresher, which refreshes cached tokens shortly before they are due. */
    public void start() {
        background.start(policy.backgroundInterval(), this::refreshDueTokens);
    }

    @Override
    public void close() {
        background.close();
    }

    void refreshDueTokens() {
        // A long-running process settles its machine's abandoned locks as a CLI there would.
        abandoned.settleNow();
        noticeOtherProcesses(clock.instant());
        BackgroundRefresher.refreshDue(cache, clock.instant().plus(policy.backgroundLead()),
                key -> refresh(key, RefreshTrigger.BACKGROUND, null));
    }
}
