package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.outbound.AccountDirectory;
import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.application.port.outbound.TokenEndpointPort;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationRequest;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.login.CallbackParser;
import ai.maestro.auth.domain.DeviceAuthorization;
import ai.maestro.auth.domain.OAuthError;
import ai.maestro.auth.domain.login.Pauses;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.domain.error.OAuthErrorException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A login's protocol steps: start a session (state, PKCE, the authorization URL), turn its callback
 * into a stored token, or wait for a device code's approval. {@link SignInService} runs them for the
 * user; embedders with their own listener may call them directly.
 */
public final class OAuthService {
    /** A started login: the session to keep and the URL to open. */
    public record LoginAttempt(AuthorizationSession session, AuthorizationRequest request) {
    }

    private final ProviderConfigs configs;
    private final TokenEndpointPort tokenEndpoint;
    private final CredentialRows rows;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration sessionLifetime;
    private final AccountService accounts;
    private final CredentialWriter writer;
    private final DevicePolling devicePolling;
    /** Encoded once per provider configuration (the configurations are kept, so identity is the key). */
    private final Map<ProviderConfig, AuthorizationRequest.Template> templates =
            Collections.synchronizedMap(new IdentityHashMap<>());

    public OAuthService(ProviderConfigs configs, TokenEndpointPort tokenEndpoint, CredentialRows rows,
                        AccountDirectory directory, Clock clock, SecureRandom random, Duration sessionLifetime) {
        this.configs = Objects.requireNonNull(configs, "configs");
        this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        this.rows = Objects.requireNonNull(rows, "rows");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.sessionLifetime = Objects.requireNonNull(sessionLifetime, "sessionLifetime");
        this.accounts = new AccountService(directory, rows);
        this.writer = new CredentialWriter(configs, tokenEndpoint, rows, accounts, clock);
        this.devicePolling = new DevicePolling(tokenEndpoint, clock, random, sessionLifetime);
    }

    public ProviderConfigs configs() {
        return configs;
    }

    /** The stored accounts: listed, resolved from a label, e-mail or id, made the default. */
    public AccountService accounts() {
        return accounts;
    }

    CredentialWriter writer() {
        return writer;
    }

    /**
     * Fails with a {@link ai.maestro.auth.domain.error.CredentialStoreException} when the login's
     * tokens could not be stored: call before sending the user to the browser.
     */
    public void checkStoreBeforeLogin(ProviderId provider) {
        rows.checkReadyForLogin(provider);
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
    public LoginAttempt startLogin(ProviderId provider, URI redirect) {
        ProviderConfig config = configs.get(provider).withRedirectUri(redirect);
        return startLogin(config, AuthorizationRequest.Template.of(config, redirect));
    }

    private LoginAttempt startLogin(ProviderConfig config, AuthorizationRequest.Template template) {
        AuthorizationSession session = AuthorizationSession.start(config, random, clock.instant(), sessionLifetime);
        return new LoginAttempt(session, template.fill(session));
    }

    /**
     * Completes a login from pasted text: the redirect URL, its query, or CODE#STATE. A bare code is
     * refused, since only the state ties a pasted code to this login.
     */
    public SavedAuthentication completeLogin(AuthorizationSession session, String pastedCallback,
                                             Optional<String> label) {
        AuthorizationCode code = CallbackParser.parseWithState(pastedCallback, session, clock.instant()).codeOrThrow();
        return completeLogin(session, code, label);
    }

    /**
     * Exchanges a code whose callback was already checked against the session and stores the token;
     * a new account gets {@code label} (or one made from its e-mail), a stored one is renamed to it
     * when given. A sign-in it replaces has its refresh token revoked afterwards (best effort, as the
     * Codex CLI does).
     */
    public SavedAuthentication completeLogin(AuthorizationSession session, AuthorizationCode code,
                                             Optional<String> label) {
        label.ifPresent(Account::requireValidLabel);
        ProviderConfig config = configs.get(session.provider());
        return writer.storeLogin(session.provider(), tokenEndpoint.exchangeAuthorizationCode(config, session, code),
                label);
    }

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
     * Waits for the user's approval of {@code device} (pausing with {@code pauses}), then stores the
     * tokens like a browser login's. Ends with a {@link ai.maestro.auth.domain.error.LoginAbortedException}
     * at {@code deadline} or when interrupted.
     */
    public SavedAuthentication completeDeviceLogin(DeviceAuthorization device, Instant deadline, Pauses pauses,
                                                   Optional<String> label) {
        label.ifPresent(Account::requireValidLabel);
        ProviderConfig config = configs.get(device.provider());
        return writer.storeLogin(device.provider(), devicePolling.await(config, device, deadline, pauses), label);
    }
}
