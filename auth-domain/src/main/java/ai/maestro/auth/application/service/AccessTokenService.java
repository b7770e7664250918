package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.out.CredentialStorePort;
import ai.maestro.auth.application.port.out.TokenEndpointPort;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.ReloginMark;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.error.AuthException;
import ai.maestro.auth.domain.error.CredentialStoreException;
import ai.maestro.auth.domain.error.NotLoggedInException;
import ai.maestro.auth.domain.error.ProviderUnavailableException;
import ai.maestro.auth.domain.error.ReloginRequiredException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands out a valid access token on demand, for a named account ({@link CredentialKey}) or a
 * provider's default account. The hot path reads a per-account cache entry and compares two
 * instants. A refresh happens once per account at a time in a process (callers share its result)
 * and, through the store's per-account refresh lock and a compare-and-swap on the row's version,
 * once across the processes sharing the store: OpenAI rotates refresh tokens, and a second use of
 * one kills the grant. Accounts never wait on each other's refreshes. It never switches accounts by
 * itself: the caller chooses.
 */
public final class AccessTokenService implements AutoCloseable {

    /**
     * Why a refresh is considered: a caller needs a token, the refresher runs early, a refresh is
     * forced, or the provider rejected a token (refresh unless the store already holds another).
     */
    private enum Need { ON_DEMAND, EARLY, FORCED, REJECTED }

    /** A token as cached: {@code refreshAt} is when it enters the skew window (or when to retry). */
    private record Cached(SavedAuthentication row, Instant refreshAt) {
        OAuthToken token() {
            return (OAuthToken) row.credential();
        }
    }

    /** How often the store's change stamp is looked at, at most. */
    static final Duration CHANGE_CHECK_INTERVAL = Duration.ofSeconds(1);

    private final OAuthService logins;
    private final TokenEndpointPort tokenEndpoint;
    private final CredentialStorePort store;
    private final Clock clock;
    private final TokenLifecyclePolicy policy;
    private final Map<CredentialKey, Cached> cache = new ConcurrentHashMap<>();
    private final Map<CredentialKey, CompletableFuture<Cached>> inFlight = new ConcurrentHashMap<>();
    /** Each provider's default account as last read; forgotten whenever the store changes (a `use`, a logout). */
    private final Map<ProviderId, CredentialKey> defaults = new ConcurrentHashMap<>();
    private final AtomicBoolean checkingForChanges = new AtomicBoolean();
    private volatile long nextChangeCheck = Long.MIN_VALUE;
    private long lastStamp;
    private boolean stampKnown;
    private volatile ScheduledExecutorService background;

    public AccessTokenService(OAuthService logins, TokenEndpointPort tokenEndpoint, CredentialStorePort store,
                              Clock clock, TokenLifecyclePolicy policy) {
        this.logins = Objects.requireNonNull(logins, "logins");
        this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
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
        Instant now = clock.instant();
        if (now.toEpochMilli() >= nextChangeCheck) {
            noticeOtherProcesses(now);
        }
        return validToken(defaultKey(provider), now);
    }

    /** The whole token set behind {@link #validAccessToken(CredentialKey)}; same hot path. */
    public OAuthToken validToken(CredentialKey key) {
        Instant now = clock.instant();
        if (now.toEpochMilli() >= nextChangeCheck) {
            noticeOtherProcesses(now);
        }
        return validToken(key, now);
    }

    /**
     * The key of the provider's default account, read from the store once and again after any
     * change, so that a `use` in another process is followed within about a second.
     */
    public CredentialKey defaultKey(ProviderId provider) {
        CredentialKey known = defaults.get(provider);
        if (known != null) {
            return known;
        }
        java.util.List<Account> accounts = store.accounts(provider);
        CredentialKey key = accounts.stream().filter(Account::isDefault).findFirst()
                .or(() -> accounts.stream().findFirst())
                .map(account -> account.key(AuthType.OAUTH))
                .orElseThrow(() -> new NotLoggedInException(provider, AuthType.OAUTH));
        defaults.put(provider, key);
        return key;
    }

    private OAuthToken validToken(CredentialKey provider, Instant now) {
        Cached cached = cache.get(provider);
        if (cached != null && now.isBefore(cached.refreshAt())) {
            return cached.token();
        }
        try {
            return singleFlight(provider, Need.ON_DEMAND, null).token();
        } catch (CredentialStoreException storeDown) {
            if (cached == null || !cached.token().isUsableAt(now, Duration.ZERO)) {
                throw storeDown;
            }
            // As for a provider outage: serve the still-valid token, try again a little later.
            cache.replace(provider, cached, new Cached(cached.row(), minimum(now.plus(policy.transientRetryDelay()),
                    cached.token().expiresAt().orElse(Instant.MAX))));
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
    public OAuthToken afterRejection(CredentialKey provider, Secret rejected) {
        Objects.requireNonNull(rejected, "rejected");
        Cached cached = cache.get(provider);
        if (cached != null && !cached.token().accessToken().equals(rejected)
                && clock.instant().isBefore(cached.refreshAt())) {
            return cached.token();
        }
        OAuthToken token = singleFlight(provider, Need.REJECTED, rejected).token();
        if (token.accessToken().equals(rejected)) {
            // It joined a refresh started for another reason, which kept the token: ask once more.
            token = singleFlight(provider, Need.REJECTED, rejected).token();
        }
        return token;
    }

    /**
     * At most once per {@link #CHANGE_CHECK_INTERVAL}, on one caller's thread: when the store's change
     * stamp moved, cached tokens are checked against their rows, so a logout, a new login or a relogin
     * mark written by another process is honoured within about a second. Other callers never wait.
     */
    private void noticeOtherProcesses(Instant now) {
        if (!checkingForChanges.compareAndSet(false, true)) {
            return;
        }
        try {
            nextChangeCheck = now.plus(CHANGE_CHECK_INTERVAL).toEpochMilli();
            if (cache.isEmpty() && defaults.isEmpty()) {
                return;
            }
            // The stamp is read before the rows: a write after this reading moves it again.
            long stamp = store.changeStamp();
            if (stampKnown && stamp == lastStamp) {
                return;
            }
            defaults.clear();
            for (CredentialKey key : cache.keySet()) {
                revalidate(key);
            }
            lastStamp = stamp;
            stampKnown = true;
        } catch (AuthException e) {
            // The store cannot be reached: keep serving the cache, look again in a second.
        } finally {
            checkingForChanges.set(false);
        }
    }

    private void revalidate(CredentialKey provider) {
        Cached old = cache.get(provider);
        if (old == null) {
            return;
        }
        Optional<SavedAuthentication> row = store.find(provider);
        if (row.isEmpty() || row.get().reloginRequired().isPresent()) {
            cache.remove(provider, old);
        } else if (row.get().version() != old.row().version() || !row.get().createdAt().equals(old.row().createdAt())) {
            cache.replace(provider, old, cache(row.get()));
        }
    }

    /** Refreshes now even if the token is still valid (unless another process just did). */
    public SavedAuthentication refreshNow(CredentialKey key) {
        return singleFlight(key, Need.FORCED, null).row();
    }

    /** Drops the cached token and default, e.g. after a logout in this process. */
    public void forget(CredentialKey key) {
        cache.remove(key);
        defaults.clear();
    }

    /** Starts the background refresher, which refreshes cached tokens shortly before they are due. */
    public synchronized void start() {
        if (background != null || policy.backgroundInterval().isZero()) {
            return;
        }
        background = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "maestro-auth-refresher");
            thread.setDaemon(true);
            return thread;
        });
        long every = policy.backgroundInterval().toMillis();
        background.scheduleWithFixedDelay(this::refreshDueTokens, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (background != null) {
            background.shutdownNow();
            background = null;
        }
    }

    void refreshDueTokens() {
        noticeOtherProcesses(clock.instant());
        Instant soon = clock.instant().plus(policy.backgroundLead());
        for (Map.Entry<CredentialKey, Cached> entry : cache.entrySet()) {
            if (!soon.isBefore(entry.getValue().refreshAt())) {
                try {
                    singleFlight(entry.getKey(), Need.EARLY, null);
                } catch (AuthException e) {
                    // The next caller gets the same typed error; the refresher only tries to be early.
                }
            }
        }
    }

    /** One refresh per account at a time in this process; every other caller waits for its result. */
    private Cached singleFlight(CredentialKey provider, Need need, Secret rejected) {
        CompletableFuture<Cached> mine = new CompletableFuture<>();
        CompletableFuture<Cached> running = inFlight.putIfAbsent(provider, mine);
        if (running != null) {
            return await(running);
        }
        try {
            Cached result = obtain(provider, need, rejected);
            cache.put(provider, result);
            mine.complete(result);
            return result;
        } catch (RuntimeException e) {
            if (e instanceof ReloginRequiredException || e instanceof NotLoggedInException) {
                cache.remove(provider);
            }
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(provider, mine);
        }
    }

    private Cached await(CompletableFuture<Cached> running) {
        try {
            return running.get(policy.inFlightWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("refresh failed", e.getCause());
        } catch (TimeoutException e) {
            throw new ProviderUnavailableException("a token refresh is still running after "
                    + policy.inFlightWait().toSeconds() + " s", null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderUnavailableException("interrupted while waiting for a token refresh", null, e);
        }
    }

    private Cached obtain(CredentialKey provider, Need need, Secret rejected) {
        Instant now = clock.instant();
        SavedAuthentication seen = current(provider);
        // Another process may have refreshed already: a fresh row in the store makes a refresh unnecessary.
        if (need == Need.REJECTED ? holdsAnother(seen, rejected) && isFresh(seen, now, need)
                : need != Need.FORCED && isFresh(seen, now, need)) {
            return cache(seen);
        }
        return store.withRefreshLock(provider, policy.refreshLockWait(),
                () -> refreshLocked(provider, seen, need, rejected));
    }

    private static boolean holdsAnother(SavedAuthentication row, Secret rejected) {
        return !((OAuthToken) row.credential()).accessToken().equals(rejected);
    }

    private Cached refreshLocked(CredentialKey provider, SavedAuthentication seen, Need need, Secret rejected) {
        Instant now = clock.instant();
        SavedAuthentication row = current(provider);
        boolean someoneElseRefreshed = need == Need.REJECTED ? holdsAnother(row, rejected)
                : row.version() != seen.version();
        boolean mustRefresh = need == Need.FORCED || need == Need.REJECTED;
        if (isFresh(row, now, need) && (!mustRefresh || someoneElseRefreshed)) {
            return cache(row);
        }
        OAuthToken token = (OAuthToken) row.credential();
        if (token.refreshToken().isEmpty()) {
            if (token.isUsableAt(now, Duration.ZERO)) {
                return cache(row);
            }
            throw new ReloginRequiredException(provider.provider(), null,
                    "the token expired and no refresh token was issued");
        }
        // A place for the rotated token must exist before the old refresh token is spent.
        store.prepareRotation(row);
        OAuthToken fresh;
        try {
            fresh = tokenEndpoint.refresh(logins.configs().get(provider.provider()), token.refreshToken().get())
                    .validate(clock.instant());
        } catch (ReloginRequiredException e) {
            store.abandonRotation(provider);
            markForRelogin(row, e);
            throw e;
        } catch (ProviderUnavailableException e) {
            store.abandonRotation(provider);
            if (!mustRefresh && token.isUsableAt(now, Duration.ZERO)) {
                // Still valid: serve it for a while and try again later rather than fail the caller.
                return new Cached(row, minimum(now.plus(policy.transientRetryDelay()),
                        token.expiresAt().orElse(Instant.MAX)));
            }
            throw e;
        } catch (RuntimeException e) {
            store.abandonRotation(provider);
            throw e;
        }
        // The rotated refresh token is durable before anyone uses the new access token.
        SaveResult saved = store.commitRotation(row.replacedBy(token.refreshedBy(fresh), clock.instant()));
        if (saved instanceof SaveResult.Saved ok) {
            return cache(ok.stored());
        }
        // Only a login can write without the lock; its token is the newest, so use it.
        return cache(current(provider));
    }

    private void markForRelogin(SavedAuthentication row, ReloginRequiredException e) {
        String reason = e.error().map(err -> err.code()).orElse("refresh failed");
        // A conflict means someone wrote a newer credential, which must not be marked.
        store.save(row.markedForRelogin(new ReloginMark(reason, clock.instant()), clock.instant()));
    }

    private SavedAuthentication current(CredentialKey key) {
        SavedAuthentication row = store.find(key)
                .orElseThrow(() -> new NotLoggedInException(key.provider(), AuthType.OAUTH));
        row.reloginRequired().ifPresent(mark -> {
            throw new ReloginRequiredException(key.provider(), null, "it was marked at " + mark.since() + " (" + mark.reason()
                    + ")");
        });
        return row;
    }

    private boolean isFresh(SavedAuthentication row, Instant now, Need need) {
        return ((OAuthToken) row.credential()).isUsableAt(now,
                need == Need.EARLY ? policy.skew().plus(policy.backgroundLead()) : policy.skew());
    }

    private Cached cache(SavedAuthentication row) {
        OAuthToken token = (OAuthToken) row.credential();
        Instant refreshAt = token.expiresAt().map(at -> at.minus(policy.skew())).orElse(Instant.MAX);
        return new Cached(row, refreshAt);
    }

    private static Instant minimum(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
