package ai.maestro.auth.app.wiring;

import ai.maestro.auth.adapter.outbound.http.HttpSettings;
import ai.maestro.auth.adapter.outbound.persistence.PersistenceSettings;
import ai.maestro.auth.application.port.outbound.CredentialStorePort;
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
import ai.maestro.auth.application.service.LoginService;
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
 * then ask for {@link OAuthService} (logins, accounts), {@link LoginService} (the flow and callback port
 * of a browser login) and {@link AccessTokenService} (valid tokens). Swap an
 * adapter with {@code Modules.override(new MaestroAuthModule(config)).with(...)}.
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
    OAuthService oauthService(ProviderConfigs providers, TokenEndpointPort endpoint, CredentialStorePort store,
                              Clock clock, SecureRandom random) {
        return new OAuthService(providers, endpoint, store, clock, random, config.loginSessionLifetime());
    }

    @Provides
    @Singleton
    AccessTokenService accessTokenService(OAuthService logins, TokenEndpointPort endpoint, CredentialStorePort store,
                                          Clock clock, AuthEvents events) {
        return new AccessTokenService(logins, endpoint, store, clock, config.lifecycle(), events);
    }

    /** Meters on the embedder's registry (or Micrometer's global one) and one INFO line per event. */
    @Provides
    @Singleton
    MicrometerEvents meters(Optional<MeterRegistry> registry, CredentialStorePort store, Clock clock) {
        return new MicrometerEvents(registry.orElse(Metrics.globalRegistry), store, clock);
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
    AuthHealth health(CredentialStorePort store, Clock clock, MicrometerEvents meters) {
        // Every credential a health check is asked about has its gauges from then on.
        meters.gaugeEveryCredential();
        return new AuthHealth(store, clock, config.lifecycle());
    }

    @Provides
    @Singleton
    CallbackListeners callbackListeners(PersistenceSettings persistence, Clock clock) {
        return new LoopbackCallbackListeners(persistence.dataDirectory(), clock);
    }

    @Provides
    @Singleton
    LoginService loginService(OAuthService logins, CallbackListeners listeners) {
        return new LoginService(logins, listeners);
    }
}
