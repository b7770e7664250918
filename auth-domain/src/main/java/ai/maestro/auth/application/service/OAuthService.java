package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.out.CredentialStorePort;
import ai.maestro.auth.application.port.out.TokenEndpointPort;
import ai.maestro.auth.domain.ApiKey;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.AuthorizationRequest;
import ai.maestro.auth.domain.AuthorizationSession;
import ai.maestro.auth.domain.CallbackParser;
import ai.maestro.auth.domain.Credential;
import ai.maestro.auth.domain.CredentialSummary;
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

    public OAuthService(ProviderConfigs configs, TokenEndpointPort tokenEndpoint, CredentialStorePort store,
                        Clock clock, SecureRandom random, Duration sessionLifetime) {
        this.configs = Objects.requireNonNull(configs, "configs");
        this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.sessionLifetime = Objects.requireNonNull(sessionLifetime, "sessionLifetime");
    }

    public ProviderConfigs configs() {
        return configs;
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
        AuthorizationSession session = AuthorizationSession.start(config, random, clock.instant(), sessionLifetime);
        return new LoginAttempt(session, AuthorizationRequest.build(config, session));
    }

    /**
     * Completes a login from pasted text: the redirect URL, its query, or CODE#STATE. A bare code is
     * refused, since only the state ties a pasted code to this login.
     */
    public SavedAuthentication completeLogin(AuthorizationSession session, String pastedCallback) {
        AuthorizationCode code = CallbackParser.parseWithState(pastedCallback, session, clock.instant()).codeOrThrow();
        return completeLogin(session, code);
    }

    /** Exchanges a code whose callback was already checked against the session; stores the token. */
    public SavedAuthentication completeLogin(AuthorizationSession session, AuthorizationCode code) {
        ProviderConfig config = configs.get(session.provider());
        OAuthToken token = tokenEndpoint.exchangeAuthorizationCode(config, session, code).validate(clock.instant());
        return storeReplacing(session.provider(), token);
    }

    /** Exchanges the stored id_token for an API key (OpenAI) and stores it as auth type API_KEY. */
    public SavedAuthentication obtainApiKey(ProviderId provider) {
        ProviderConfig config = configs.get(provider);
        SavedAuthentication login = require(provider, AuthType.OAUTH);
        OAuthToken token = (OAuthToken) login.credential();
        if (token.idToken().isEmpty()) {
            throw new OAuthErrorException(OAuthError.of("unsupported_token_type",
                    "the stored " + provider.cliName() + " sign-in has no id_token to exchange for an API key", 0));
        }
        OAuthToken exchanged = tokenEndpoint.exchangeIdTokenForApiKey(config, token.idToken().get())
                .validate(clock.instant());
        return storeReplacing(provider, new ApiKey(exchanged.accessToken(), clock.instant()));
    }

    public Optional<SavedAuthentication> find(ProviderId provider, AuthType authType) {
        return store.find(provider, authType);
    }

    public SavedAuthentication require(ProviderId provider, AuthType authType) {
        return store.find(provider, authType).orElseThrow(() -> new NotLoggedInException(provider, authType));
    }

    public List<CredentialSummary> list() {
        return store.list();
    }

    /** Rows of a newer version (unknown provider or auth type), as {@code provider/auth_type}. */
    public List<String> unrecognizedRows() {
        return store.unrecognizedRows();
    }

    /** Deletes every credential of the provider; true when something was deleted. */
    public boolean logout(ProviderId provider) {
        boolean oauth = store.delete(provider, AuthType.OAUTH);
        boolean apiKey = store.delete(provider, AuthType.API_KEY);
        return oauth || apiKey;
    }

    /** A new login or key supersedes whatever is stored, even if another process wrote meanwhile. */
    SavedAuthentication storeReplacing(ProviderId provider, Credential credential) {
        for (int attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
            SavedAuthentication candidate = store.find(provider, credential.authType())
                    .map(existing -> existing.replacedBy(credential, clock.instant()))
                    .orElseGet(() -> SavedAuthentication.fresh(provider, credential, clock.instant()));
            if (store.save(candidate) instanceof SaveResult.Saved saved) {
                return saved.stored();
            }
        }
        throw new CredentialStoreException("The credential store kept changing while saving the "
                + provider.cliName() + " credential.", null, "Stop other maestro-auth processes and try again.", null);
    }
}
