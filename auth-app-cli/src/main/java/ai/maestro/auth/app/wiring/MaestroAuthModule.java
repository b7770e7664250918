package ai.maestro.auth.app.wiring;

import ai.maestro.auth.adapter.outbound.http.HttpSettings;
import ai.maestro.auth.adapter.outbound.persistence.PersistenceSettings;
import ai.maestro.auth.application.port.outbound.AccountDirectory;
import ai.maestro.auth.application.port.outbound.ChangeFeed;
import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.application.port.outbound.RefreshLocks;
import ai.maestro.auth.application.port.outbound.RotationLog;
import ai.maestro.auth.application.service.AccountService;
import ai.maestro.auth.application.port.outbound.TokenEndpointPort;
import ai.maestro.auth.app.observe.BothEvents;
import ai.maestro.auth.app.observe.LoggedEvents;
import ai.maestro.auth.app.observe.MicrometerEvents;
import ai.maestro.auth.application.port.outbound.AuthEvents;
import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.application.service.AuthHealth;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.List;
import java.util.Optional;
import ai.maestro.auth.application.service.OAuthService;
import ai.maestro.auth.application.port.outbound.CallbackListeners;
import ai.maestro.auth.adapter.inbound.callback.LoopbackCallbackListeners;
import ai.maestro.auth.domain.config.ProviderConfigs;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * The whole of maestro-auth for an injector: {@code Guice.createInjector(new MaestroAuthModule(config))},
 * then ask for the use cases ({@code SignInUseCase}, {@code GetAccessTokenUseCase}, ... in
 * {@code application.port.inbound}; see {@link UseCaseModule}), or for {@link AccessTokenService}
 * and {@code ProviderInterceptors} on a hot path. Swap an adapter with
 * {@code Modules.override(new MaestroAuthModule(config)).with(...)}.
 */
public final class MaestroAuthModule extends AbstractModule {
    private final MaestroAuthConfig config;

    public MaestroAuthModule(MaestroAuthConfig config) {
        this.config = config;
    }

    @Override
    protected void configure() {
        bind(MaestroAuthConfig.class).toInstance(config);
        install(new HttpAdapterModule());
        install(new PersistenceModule());
        install(new UseCaseModule());
    }

    @Provides
    ProviderConfigs providers() {
        return config.providers();
    }

    @Provides
    PersistenceSettings persistence() {
        return config.persistence();
    }

    @Provides
    HttpSettings http() {
        return config.http();
    }

    @Provides
    Clock clock() {
        return config.clock();
    }

    @Provides
    @Singleton
    SecureRandom secureRandom() {
        return new SecureRandom();
    }

    @Provides
    @Singleton
    ObjectMapper objectMapper() {
        return new ObjectMapper();
    }

    @Provides
    @Singleton
    OAuthService oauthService(ProviderConfigs providers, TokenEndpointPort endpoint, CredentialRows rows,
                              AccountDirectory accounts, Clock clock, SecureRandom random) {
        return new OAuthService(providers, endpoint, rows, accounts, clock, random, config.loginSessionLifetime());
    }

    @Provides
    AccountService accountService(OAuthService logins) {
        return logins.accounts();
    }

    @Provides
    @Singleton
    AccessTokenService accessTokenService(ProviderConfigs providers, TokenEndpointPort endpoint, CredentialRows rows,
                                          AccountDirectory accounts, RefreshLocks locks, ChangeFeed feed,
                                          RotationLog log, Clock clock, AuthEvents events) {
        return new AccessTokenService(providers, endpoint, rows, accounts, locks, feed, log, clock, config.lifecycle(),
                events);
    }

    /** Meters on the embedder's registry (or Micrometer's global one) and one INFO line per event. */
    @Provides
    @Singleton
    MicrometerEvents meters(Optional<MeterRegistry> registry, CredentialRows rows, Clock clock) {
        return new MicrometerEvents(registry.orElse(Metrics.globalRegistry), rows, clock);
    }

    @Provides
    @Singleton
    AuthEvents events(MicrometerEvents meters) {
        return new BothEvents(List.of(meters, new LoggedEvents()));
    }

    /** A token host's requests counted on the same registry, and said in the same event log. */
    @Provides
    @Singleton
    ai.maestro.auth.application.port.outbound.HostEvents hostEvents(MicrometerEvents meters) {
        return new BothEvents(List.of(meters, new LoggedEvents()));
    }

    /** The health check: UP, DEGRADED or DOWN per credential, from the store, never from a provider. */
    @Provides
    @Singleton
    AuthHealth health(CredentialRows rows, Clock clock, MicrometerEvents meters) {
        // Every credential a health check is asked about has its gauges from then on.
        meters.gaugeEveryCredential();
        return new AuthHealth(rows, clock, config.lifecycle());
    }

    @Provides
    @Singleton
    CallbackListeners callbackListeners(PersistenceSettings persistence, Clock clock) {
        return new LoopbackCallbackListeners(persistence.dataDirectory(), clock);
    }
}
