package ai.maestro.auth.adapter.outbound.http;

import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.application.service.AccountService;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.domain.error.NotLoggedInException;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.ApiKey;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.config.QueryParameter;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import okhttp3.Interceptor;

/** Hands embedders the {@link ProviderAuthInterceptor} for a provider; obtain it from the Guice module. */
public final class ProviderInterceptors {
    private final AccessTokenService tokens;
    private final AccountService accounts;
    private final CredentialRows rows;
    private final ProviderConfigs configs;
    private final ProviderApiSettings apis;
    private final HttpSettings http;

    public ProviderInterceptors(AccessTokenService tokens, AccountService accounts, CredentialRows rows,
                                ProviderConfigs configs, ProviderApiSettings apis, HttpSettings http) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.rows = Objects.requireNonNull(rows, "rows");
        this.configs = Objects.requireNonNull(configs, "configs");
        this.apis = Objects.requireNonNull(apis, "apis");
        this.http = Objects.requireNonNull(http, "http");
    }

    /**
     * For the provider's default account, followed as it changes (a `use` in another process is seen
     * within about two seconds): its sign-in when one is stored, else its API key, else the sign-in
     * (which then reports it is missing).
     */
    public Interceptor interceptorFor(ProviderId provider) {
        Optional<Account> account = defaultAccount(provider);
        boolean onlyApiKey = account.isPresent() && rows.find(account.get().key(AuthType.OAUTH)).isEmpty()
                && rows.find(account.get().key(AuthType.API_KEY)).isPresent();
        return interceptorFor(provider, onlyApiKey ? AuthType.API_KEY : AuthType.OAUTH);
    }

    /** For the provider's default account, with that credential type. */
    public Interceptor interceptorFor(ProviderId provider, AuthType type) {
        if (type == AuthType.API_KEY) {
            return new ProviderAuthInterceptor(provider, new ProviderAuthInterceptor.ApiKeyScheme(apiKey(
                    () -> accounts.resolve(provider, Optional.empty()).key(AuthType.API_KEY))));
        }
        return new ProviderAuthInterceptor(provider, new ProviderAuthInterceptor.SignIn(tokens, Optional.empty(),
                originator(provider), http.userAgent()));
    }

    /** Pinned to one account (a label, e-mail or account id): it stays on it whatever the default becomes. */
    public Interceptor interceptorFor(ProviderId provider, String account, AuthType type) {
        Account pinned = accounts.resolve(provider, Optional.of(account));
        if (type == AuthType.API_KEY) {
            return new ProviderAuthInterceptor(provider, new ProviderAuthInterceptor.ApiKeyScheme(apiKey(
                    () -> pinned.key(AuthType.API_KEY))));
        }
        return new ProviderAuthInterceptor(provider, new ProviderAuthInterceptor.SignIn(tokens,
                Optional.of(pinned.key(AuthType.OAUTH)), originator(provider), http.userAgent()));
    }

    /** What a request to {@code provider} with {@code token} needs besides the bearer, as the interceptor adds it. */
    public java.util.Map<String, String> headersFor(ProviderId provider, ai.maestro.auth.domain.OAuthToken token) {
        return ProviderAuthInterceptor.signInHeaders(provider, token, originator(provider));
    }

    private Optional<Account> defaultAccount(ProviderId provider) {
        try {
            return Optional.of(accounts.resolve(provider, Optional.empty()));
        } catch (ai.maestro.auth.domain.error.NotLoggedInException nothingStored) {
            return Optional.empty();
        }
    }

    /** Where requests with that credential go: the ChatGPT backend for an OpenAI sign-in, the API for a key. */
    public URI baseUrl(ProviderId provider, AuthType type) {
        if (provider == ProviderId.OPENAI) {
            return type == AuthType.API_KEY ? apis.openAiApiBase() : apis.chatGptBase();
        }
        return URI.create("https://api.anthropic.com/v1");
    }

    ProviderApiSettings apis() {
        return apis;
    }

    /** The stored key, read once on first use. */
    private Supplier<Secret> apiKey(Supplier<CredentialKey> row) {
        Secret[] key = new Secret[1];
        return () -> {
            synchronized (key) {
                if (key[0] == null) {
                    CredentialKey wanted = row.get();
                    key[0] = rows.find(wanted).map(saved -> ((ApiKey) saved.credential()).key()).orElseThrow(
                            () -> new NotLoggedInException(wanted.provider(), wanted.authType()));
                }
                return key[0];
            }
        };
    }

    private String originator(ProviderId provider) {
        return configs.get(provider).extraAuthorizationParameters().stream()
                .filter(p -> p.name().equals("originator")).map(QueryParameter::value).findFirst()
                .orElse("maestro_auth");
    }
}
