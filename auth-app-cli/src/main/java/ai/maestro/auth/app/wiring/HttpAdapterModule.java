package ai.maestro.auth.app.wiring;

import ai.maestro.auth.adapter.inbound.host.TokenHosts;
import ai.maestro.auth.application.port.inbound.ServeTokensUseCase;
import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.application.port.outbound.HostEvents;
import ai.maestro.auth.application.port.outbound.ProviderApiPort;
import ai.maestro.auth.application.service.AccountService;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.adapter.outbound.http.HttpSettings;
import ai.maestro.auth.adapter.outbound.http.OkHttpClients;
import ai.maestro.auth.adapter.outbound.http.OkHttpTokenEndpoint;
import ai.maestro.auth.adapter.outbound.http.ProviderApiClient;
import ai.maestro.auth.adapter.outbound.http.ProviderApiSettings;
import ai.maestro.auth.adapter.outbound.http.ProviderInterceptors;
import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.application.port.outbound.TokenEndpointPort;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.time.Clock;
import okhttp3.OkHttpClient;

/**
 * The token endpoint and the providers' APIs over OkHttp: one shared client (connection pool) for
 * the whole process.
 */
public final class HttpAdapterModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(ServeTokensUseCase.class).to(TokenHosts.class);
        bind(ProviderApiPort.class).to(ProviderApiClient.class);
    }

    @Provides
    @Singleton
    OkHttpClient okHttpClient(HttpSettings settings, MaestroAuthConfig config) {
        return OkHttpClients.create(settings, config.network());
    }

    @Provides
    @Singleton
    ProviderApiSettings providerApis(MaestroAuthConfig config) {
        return ProviderApiSettings.fromEnvironment(config.environment());
    }

    /** {@code injector.getInstance(ProviderInterceptors.class).interceptorFor(ProviderId.OPENAI)}. */
    @Provides
    @Singleton
    ProviderInterceptors providerInterceptors(AccessTokenService tokens, AccountService accounts, CredentialRows rows,
                                              ProviderConfigs providers, ProviderApiSettings apis,
                                              HttpSettings settings) {
        return new ProviderInterceptors(tokens, accounts, rows, providers, apis, settings);
    }

    /** Token hosts for child processes: {@code injector.getInstance(ServeTokensUseCase.class).serve(...)}. */
    @Provides
    @Singleton
    TokenHosts tokenHosts(AccessTokenService tokens, AccountService accounts, ProviderInterceptors interceptors,
                          HostEvents events) {
        return new TokenHosts(tokens, accounts, interceptors::headersFor, events);
    }

    @Provides
    @Singleton
    ProviderApiClient providerApiClient(OkHttpClient client, ProviderInterceptors interceptors, ObjectMapper mapper) {
        return new ProviderApiClient(client, interceptors, mapper);
    }

    @Provides
    @Singleton
    TokenEndpointPort tokenEndpoint(com.google.inject.Provider<OkHttpClient> client, HttpSettings settings,
                                    Clock clock) {
        // Built on the first call: a command that reads a stored token needs no OkHttp.
        return new LazyTokenEndpoint(() -> new OkHttpTokenEndpoint(client.get(), settings, clock));
    }
}
