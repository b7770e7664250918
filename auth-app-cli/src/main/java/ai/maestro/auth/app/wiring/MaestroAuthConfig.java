package ai.maestro.auth.app.wiring;

import ai.maestro.auth.adapter.out.http.HttpSettings;
import ai.maestro.auth.adapter.out.persistence.PersistenceSettings;
import ai.maestro.auth.application.service.TokenLifecyclePolicy;
import ai.maestro.auth.domain.AuthorizationSession;
import ai.maestro.auth.domain.config.ProviderConfigs;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the modules need to know, read once from the environment (or given by an embedding
 * program or a test). No module reads {@code System.getenv()} itself.
 */
public record MaestroAuthConfig(
        Map<String, String> environment,
        ProviderConfigs providers,
        PersistenceSettings persistence,
        HttpSettings http,
        TokenLifecyclePolicy lifecycle,
        Duration loginSessionLifetime,
        Clock clock) {

    public static final String SKEW_VARIABLE = "MAESTRO_AUTH_REFRESH_SKEW_SECONDS";

    public MaestroAuthConfig {
        environment = Map.copyOf(environment);
        Objects.requireNonNull(providers, "providers");
        Objects.requireNonNull(persistence, "persistence");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(lifecycle, "lifecycle");
        Objects.requireNonNull(loginSessionLifetime, "loginSessionLifetime");
        Objects.requireNonNull(clock, "clock");
    }

    public static MaestroAuthConfig fromEnvironment(Map<String, String> env) {
        TokenLifecyclePolicy lifecycle = TokenLifecyclePolicy.defaults();
        String skew = env.get(SKEW_VARIABLE);
        if (skew != null && skew.matches("\\d{1,6}")) {
            lifecycle = lifecycle.withSkew(Duration.ofSeconds(Long.parseLong(skew)));
        }
        return new MaestroAuthConfig(env, ProviderConfigs.fromEnvironment(env), PersistenceSettings.fromEnvironment(env),
                HttpSettings.defaults(), lifecycle, AuthorizationSession.DEFAULT_LIFETIME, Clock.systemUTC());
    }

    public static MaestroAuthConfig fromSystemEnvironment() {
        return fromEnvironment(System.getenv());
    }
}
