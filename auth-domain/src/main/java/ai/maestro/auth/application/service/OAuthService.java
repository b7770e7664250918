package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.outbound.CredentialStorePort;
import ai.maestro.auth.application.port.outbound.TokenEndpointPort;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.AccountIdentity;
import ai.maestro.auth.domain.ApiKey;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.AuthorizationRequest;
import ai.maestro.auth.domain.AuthorizationSession;
import ai.maestro.auth.domain.CallbackParser;
import ai.maestro.auth.domain.Credential;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.CredentialSummary;
import ai.maestro.auth.domain.TokenResponse;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.domain.error.CredentialStoreException;
import ai.maestro.auth.domain.error.NotLoggedInException;
import ai.maestro.auth.domain.error.OAuthErrorException;
import ai.maestro.auth.domain.OAuthError;
import ai.maestro.auth.domain.DeviceAuthorization;
import ai.maestro.auth.domain.DevicePoll;
import ai.maestro.auth.domain.PkceParams;
import ai.maestro.auth.domain.Revocation;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.State;
import ai.maestro.auth.domain.error.AuthException;
import ai.maestro.auth.domain.error.InvalidTokenResponseException;
import ai.maestro.auth.domain.error.LoginAbortedException;
import ai.maestro.auth.domain.error.ProviderUnavailableException;
import java.time.Instant;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The login use cases: start a session, turn its callback into a stored token, manage what is stored. */
public final class OAuthService {
    /** A started login: the session to keep and the URL to open. */
    public record LoginAttempt(AuthorizationSession session, AuthorizationRequest request) {
    }

    private static final int SAVE_ATTEMPTS = 5;

    private final ProviderConfigs configs;
    private final TokenEndpointPort tokenEndpoint;
    private final CredentialStorePort store;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration sessionLifetime;
    private final AccountService accounts;

    public OAuthService(ProviderConfigs configs, TokenEndpointPort tokenEndpoint, CredentialStorePort store,
                        Clock clock, SecureRandom random, Duration sessionLifetime) {
        this.configs = Objects.requireNonNull(configs, "configs");
        this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.sessionLifetime = Objects.requireNonNull(sessionLifetime, "sessionLifetime");
        this.accounts = new AccountService(store, store);
    }

    public ProviderConfigs configs() {
        return configs;
    }

    /** The stored accounts: listed, resolved from a label, e-mail or id, made the default. */
    public AccountService accounts() {
        return accounts;
    }

    /**
     * Fails with a {@link ai.maestro.auth.domain.error.CredentialStoreException} when the login's
     * tokens could not be stored: call before sending the user to the browser.
     */
    public void checkStoreBeforeLogin(ProviderId provider) {
        store.checkReadyForLogin(provider);
    }

    public LoginAttempt startLogin(ProviderId provider) {
        ProviderConfig config = configs.get(provider);
        return startLogin(config, templates.computeIfAbsent(config,
                c -> AuthorizationRequest.Template.of(c, c.redirectUri())));
    }

    /**
     * A login that returns to {@code redirect} instead of the configured redirect URI: the fallback
     * loopback port when the first is taken. Only a registered redirect works at the provider.
     */
    public LoginAttempt startLogin(ProviderId provider, java.net.URI redirect) {
        ProviderConfig config = configs.get(provider).withRedirectUri(redirect);
        return startLogin(config, AuthorizationRequest.Template.of(config, redirect));
    }

    /** Encoded once per provider configuration (the configurations are kept, so identity is the key). */
    private final java.util.Map<ProviderConfig, AuthorizationRequest.Template> templates =
            java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

    private LoginAttempt startLogin(ProviderConfig config, AuthorizationRequest.Template template) {
        AuthorizationSession session = AuthorizationSession.start(config, random, clock.instant(), sessionLifetime);
        return new LoginAttempt(session, template.fill(session));
    }

    /**
     * Completes a login from pasted text: the redirect URL, its query, or CODE#STATE. A bare code is
     * refused, since only the state ties a pasted code to this login.
     */
    public SavedAuthentication completeLogin(AuthorizationSession session, String pastedCallback) {
        return completeLogin(session, pastedCallback, Optional.empty());
    }

    /** As {@link #completeLogin(AuthorizationSession, String)}, giving the account {@code label}. */
    public SavedAuthentication completeLogin(AuthorizationSession session, String pastedCallback,
                                             Optional<String> label) {
        AuthorizationCode code = CallbackParser.parseWithState(pastedCallback, session, clock.instant()).codeOrThrow();
        return completeLogin(session, code, label);
    }

    /**
     * Exchanges a code whose callback was already checked against the session; stores the token. A
     * sign-in it replaces has its refresh token revoked afterwards (best effort, as the Codex CLI does).
     */
    public SavedAuthentication completeLogin(AuthorizationSession session, AuthorizationCode code) {
        return completeLogin(session, code, Optional.empty());
    }

    /**
     * As {@link #completeLogin(AuthorizationSession, AuthorizationCode)}; a new account gets
     * {@code label} (or one made from its e-mail), a stored one is renamed to it when given.
     */
    public SavedAuthentication completeLogin(AuthorizationSession session, AuthorizationCode code,
                                             Optional<String> label) {
        label.ifPresent(Account::requireValidLabel);
        ProviderConfig config = configs.get(session.provider());
        TokenResponse response = tokenEndpoint.exchangeAuthorizationCode(config, session, code);
        return storeLogin(session.provider(), response, label);
    }

    /**
     * Stores a login under the account it signed in as: that account's tokens are replaced (and the
     * replaced refresh token revoked, best effort), any other account is left as it is.
     */
    private SavedAuthentication storeLogin(ProviderId provider, TokenResponse response, Optional<String> label) {
        OAuthToken token = response.validate(clock.instant());
        AccountIdentity identity = AccountIdentity.of(token, response);
        Account account;
        try {
            account = accounts.register(provider, identity, label);
        } catch (RuntimeException refused) {
            // Not stored (e.g. a label another account holds): the provider is told to forget the new grant.
            token.refreshToken().ifPresent(unused -> revoke(provider, unused));
            throw refused;
        }
        CredentialKey key = account.key(AuthType.OAUTH);
        Optional<Secret> replaced;
        try {
            replaced = storedRefreshToken(key);
        } catch (CredentialStoreException unreadable) {
            replaced = Optional.empty();
        }
        SavedAuthentication saved = storeReplacing(key, token);
        replaced.filter(old -> !token.refreshToken().map(old::equals).orElse(false))
                .ifPresent(old -> revoke(provider, old));
        return saved;
    }

    private Optional<Secret> storedRefreshToken(CredentialKey key) {
        return store.find(key).map(SavedAuthentication::credential)
                .filter(OAuthToken.class::isInstance).map(OAuthToken.class::cast).flatMap(OAuthToken::refreshToken);
    }

    /** What a logout did: whether anything was deleted, and what the provider was told. */
    public record Logout(boolean deleted, Revocation revocation) {
    }

    /**
     * Deletes every credential of the account, first revoking its refresh token (RFC 7009) unless
     * {@code revoke} is false. Revocation is best effort: whatever it answers, the local copy goes.
     */
    public Logout logout(Account account, boolean revoke) {
        ProviderId provider = account.provider();
        Revocation revocation = Revocation.of(Revocation.Outcome.SKIPPED);
        if (revoke) {
            Optional<Secret> refreshToken;
            try {
                refreshToken = storedRefreshToken(account.key(AuthType.OAUTH));
                revocation = refreshToken.map(token -> revoke(provider, token))
                        .orElse(Revocation.of(Revocation.Outcome.NOTHING_TO_REVOKE));
            } catch (CredentialStoreException unreadable) {
                revocation = new Revocation(Revocation.Outcome.FAILED, "the stored sign-in cannot be read");
            }
        }
        boolean apiKey = store.delete(account.key(AuthType.API_KEY));
        boolean oauth = store.delete(account.key(AuthType.OAUTH));
        return new Logout(oauth || apiKey, revocation);
    }

    private Revocation revoke(ProviderId provider, Secret refreshToken) {
        ProviderConfig config = configs.get(provider);
        if (!config.offersRevocation()) {
            return Revocation.of(Revocation.Outcome.NOT_SUPPORTED);
        }
        try {
            tokenEndpoint.revoke(config, refreshToken);
            return Revocation.of(Revocation.Outcome.REVOKED);
        } catch (AuthException failed) {
            return new Revocation(Revocation.Outcome.FAILED, failed.getMessage());
        }
    }

    /** Waits between polls; the CLI sleeps, tests record. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    /** Consecutive failed polls tolerated (a network blip during a long wait), then the failure is the answer. */
    private static final int POLL_FAILURES = 3;

    /** Starts a device login; the user approves {@link DeviceAuthorization#userCode()} on any device. */
    public DeviceAuthorization startDeviceLogin(ProviderId provider) {
        ProviderConfig config = configs.get(provider);
        if (!config.offersDeviceLogin()) {
            throw new OAuthErrorException(OAuthError.of("unsupported_grant_type", provider.displayName()
                    + " offers no device login that maestro-auth knows; use the browser login", 0));
        }
        return tokenEndpoint.startDeviceAuthorization(config);
    }

    /**
     * Polls every interval (longer after a slow-down) until the user approves, then checks that the
     * issued verifier matches its challenge (S256), exchanges the code like a browser login's (with
     * the device redirect URI) and stores the tokens. Ends with {@link LoginAbortedException} at
     * {@code deadline} or when interrupted.
     */
    public SavedAuthentication completeDeviceLogin(DeviceAuthorization device, Instant deadline, Pause pause) {
        return completeDeviceLogin(device, deadline, pause, Optional.empty());
    }

    /** As {@link #completeDeviceLogin(DeviceAuthorization, Instant, Pause)}, giving the account {@code label}. */
    public SavedAuthentication completeDeviceLogin(DeviceAuthorization device, Instant deadline, Pause pause,
                                                   Optional<String> label) {
        label.ifPresent(Account::requireValidLabel);
        ProviderConfig config = configs.get(device.provider());
        ProviderConfig.DeviceEndpoints endpoints = config.deviceEndpoints().orElseThrow();
        DeviceAuthorization current = device;
        int failures = 0;
        while (true) {
            if (clock.instant().plus(current.interval()).isAfter(deadline)) {
                throw new LoginAbortedException(LoginAbortedException.Reason.TIMED_OUT);
            }
            try {
                pause.pause(current.interval());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LoginAbortedException(LoginAbortedException.Reason.CANCELLED);
            }
            DevicePoll poll;
            try {
                poll = tokenEndpoint.pollDeviceAuthorization(config, current);
                failures = 0;
            } catch (ProviderUnavailableException blip) {
                if (++failures >= POLL_FAILURES) {
                    throw blip;
                }
                continue;
            }
            if (poll instanceof DevicePoll.SlowDown) {
                current = current.slowerBy(Duration.ofSeconds(5));
            } else if (poll instanceof DevicePoll.CodeIssued issued) {
                String verifier = issued.codeVerifier().reveal();
                if (!PkceParams.isValidVerifier(verifier) || !PkceParams.s256(verifier).equals(issued.codeChallenge())) {
                    throw new InvalidTokenResponseException(InvalidTokenResponseException.Defect.DEVICE_PKCE_MISMATCH);
                }
                Instant now = clock.instant();
                AuthorizationSession session = new AuthorizationSession(device.provider(), State.generate(random),
                        PkceParams.fromVerifier(verifier), endpoints.redirectUri(), now, now.plus(sessionLifetime));
                return storeLogin(device.provider(),
                        tokenEndpoint.exchangeAuthorizationCode(config, session, issued.code()), label);
            }
        }
    }

    /** Exchanges the stored id_token for an API key (OpenAI) and stores it as auth type API_KEY. */
    public SavedAuthentication obtainApiKey(Account account) {
        ProviderId provider = account.provider();
        ProviderConfig config = configs.get(provider);
        SavedAuthentication login = require(account.key(AuthType.OAUTH));
        OAuthToken token = (OAuthToken) login.credential();
        if (token.idToken().isEmpty()) {
            throw new OAuthErrorException(OAuthError.of("unsupported_token_type",
                    "the stored " + provider.cliName() + " sign-in has no id_token to exchange for an API key", 0));
        }
        OAuthToken exchanged = tokenEndpoint.exchangeIdTokenForApiKey(config, token.idToken().get())
                .validate(clock.instant());
        return storeReplacing(account.key(AuthType.API_KEY), new ApiKey(exchanged.accessToken(), clock.instant()));
    }

    public Optional<SavedAuthentication> find(CredentialKey key) {
        return store.find(key);
    }

    public SavedAuthentication require(CredentialKey key) {
        return store.find(key).orElseThrow(() -> new NotLoggedInException(key.provider(), key.authType()));
    }

    public List<CredentialSummary> list() {
        return store.list();
    }

    /** Runs several store reads as one visit (one open of an embedded store): what status shows. */
    public <T> T inOneVisit(java.util.function.Supplier<T> work) {
        return store.inOneVisit(work);
    }

    /** Rows of a newer version (unknown provider or auth type), as {@code provider/auth_type}. */
    public List<String> unrecognizedRows() {
        return store.unrecognizedRows();
    }

    /** A new login or key supersedes whatever the account has stored, even if another process wrote meanwhile. */
    SavedAuthentication storeReplacing(CredentialKey key, Credential credential) {
        ProviderId provider = key.provider();
        for (int attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
            SavedAuthentication candidate = store.find(key)
                    .map(existing -> existing.replacedBy(credential, clock.instant()))
                    .orElseGet(() -> SavedAuthentication.fresh(key, credential, clock.instant()));
            if (store.save(candidate) instanceof SaveResult.Saved saved) {
                return saved.stored();
            }
        }
        throw new CredentialStoreException("The credential store kept changing while saving the "
                + provider.cliName() + " credential.", null, "Stop other maestro-auth processes and try again.", null);
    }
}
