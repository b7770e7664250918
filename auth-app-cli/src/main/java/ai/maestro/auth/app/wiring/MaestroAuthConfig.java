package ai.maestro.auth.app.wiring;

import ai.maestro.auth.adapter.outbound.http.HttpSettings;
import ai.maestro.auth.adapter.outbound.http.NetworkSettings;
import ai.maestro.auth.adapter.outbound.persistence.EncryptionKeys;
import ai.maestro.auth.adapter.outbound.persistence.PersistenceSettings;
import ai.maestro.auth.domain.error.CredentialStoreException;
import ai.maestro.auth.application.service.TokenLifecyclePolicy;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.ConfigProblem;
import ai.maestro.auth.domain.config.ProviderConfigs;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        Duration commandTimeout,
        NetworkSettings network,
        List<ConfigProblem> problems,
        Clock clock) {

    public static final String SKEW_VARIABLE = "MAESTRO_AUTH_REFRESH_SKEW_SECONDS";
    /** Every token endpoint operation, all attempts included; a refresh lock is waited for this plus a margin. */
    public static final String HTTP_DEADLINE_VARIABLE = "MAESTRO_AUTH_HTTP_DEADLINE_SECONDS";
    /** Every command (login: on top of its --timeout). */
    public static final String COMMAND_TIMEOUT_VARIABLE = "MAESTRO_AUTH_COMMAND_TIMEOUT_SECONDS";
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(30);
    /** What a refresh lock holder may need beyond its token endpoint call: re-read, save, read back. */
    static final Duration LOCK_MARGIN = Duration.ofSeconds(5);

    public MaestroAuthConfig {
        environment = Map.copyOf(environment);
        Objects.requireNonNull(providers, "providers");
        Objects.requireNonNull(persistence, "persistence");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(lifecycle, "lifecycle");
        Objects.requireNonNull(loginSessionLifetime, "loginSessionLifetime");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(network, "network");
        problems = List.copyOf(problems);
        Objects.requireNonNull(clock, "clock");
    }

    /** Where the credential store is, as people read it (never a password). */
    public String describeStore() {
        return persistence.describe();
    }

    /** Never throws: a bad value is kept as a problem, which every command but {@code config} refuses. */
    public static MaestroAuthConfig fromEnvironment(Map<String, String> env) {
        List<ConfigProblem> problems = new ArrayList<>();
        TokenLifecyclePolicy lifecycle = TokenLifecyclePolicy.defaults();
        Duration skew = seconds(env, SKEW_VARIABLE, 0, 86_400, lifecycle.skew(), problems);
        Duration deadline = seconds(env, HTTP_DEADLINE_VARIABLE, 1, 600, HttpSettings.DEFAULT_DEADLINE, problems);
        Duration command = seconds(env, COMMAND_TIMEOUT_VARIABLE, 1, 3_600, DEFAULT_COMMAND_TIMEOUT, problems);
        PersistenceSettings persistence = PersistenceSettings.fromEnvironment(env);
        problems.addAll(storeProblems(env, persistence));
        NetworkSettings network = NetworkSettings.direct();
        try {
            network = NetworkSettings.fromEnvironment(env);
        } catch (ai.maestro.auth.domain.error.ConfigurationException invalid) {
            problems.addAll(invalid.problems());
        }
        return new MaestroAuthConfig(env, ProviderConfigs.fromEnvironment(env), persistence,
                HttpSettings.defaults().withDeadline(deadline),
                lifecycle.withSkew(skew).withRefreshLockWait(deadline.plus(LOCK_MARGIN)),
                AuthorizationSession.DEFAULT_LIFETIME, command, network, problems, Clock.systemUTC());
    }

    /** What is wrong with the store's settings before anything is opened: the key, the directory, the URL. */
    private static List<ConfigProblem> storeProblems(Map<String, String> env, PersistenceSettings persistence) {
        List<ConfigProblem> problems = new ArrayList<>();
        String key = env.get(EncryptionKeys.VARIABLE);
        if (key != null && !key.isBlank()) {
            try {
                EncryptionKeys.parse(key, EncryptionKeys.VARIABLE);
            } catch (CredentialStoreException invalid) {
                // The value is a key (or meant to be one): never quoted.
                problems.add(new ConfigProblem(null, EncryptionKeys.VARIABLE, ConfigProblem.Kind.INVALID_VALUE,
                        EncryptionKeys.VARIABLE + " must be base64 of exactly 32 bytes (openssl rand -base64 32), or"
                                + " id:base64 pairs separated by commas"));
            }
        }
        if (ai.maestro.auth.adapter.outbound.persistence.KeySource.Setting.from(env).isEmpty()) {
            String variable = ai.maestro.auth.adapter.outbound.persistence.KeySource.VARIABLE;
            problems.add(new ConfigProblem(null, variable, ConfigProblem.Kind.INVALID_VALUE,
                    variable + " must be auto, keyring or file"));
        }
        java.nio.file.Path home = persistence.dataDirectory();
        if (java.nio.file.Files.exists(home) && !java.nio.file.Files.isDirectory(home)) {
            problems.add(new ConfigProblem(null, PersistenceSettings.HOME, ConfigProblem.Kind.INVALID_VALUE,
                    PersistenceSettings.HOME + " (" + home + ") is a file, not a directory"));
        }
        persistence.jdbcUrl().filter(url -> !url.startsWith("jdbc:postgresql:")).ifPresent(url ->
                problems.add(new ConfigProblem(null, PersistenceSettings.DB_URL, ConfigProblem.Kind.INVALID_VALUE,
                        PersistenceSettings.DB_URL + " must be a jdbc:postgresql: URL (or unset for the embedded"
                                + " store)")));
        return problems;
    }

    /** Whole seconds from {@code min} to {@code max}; anything else is a problem and the default serves. */
    private static Duration seconds(Map<String, String> env, String variable, long min, long max, Duration fallback,
                                    List<ConfigProblem> problems) {
        String text = env.get(variable);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        String trimmed = text.trim();
        if (trimmed.matches("\\d{1,7}")) {
            long value = Long.parseLong(trimmed);
            if (value >= min && value <= max) {
                return Duration.ofSeconds(value);
            }
        }
        problems.add(new ConfigProblem(null, variable, ConfigProblem.Kind.OUT_OF_RANGE, variable
                + " must be a whole number of seconds from " + min + " to " + max + ", not '"
                + (trimmed.length() > 20 ? trimmed.substring(0, 20) + "..." : trimmed) + "'"));
        return fallback;
    }

    /** The same configuration with other lifecycle rules (tests, embedders). */
    public MaestroAuthConfig with(HttpSettings newHttp, TokenLifecyclePolicy newLifecycle) {
        return new MaestroAuthConfig(environment, providers, persistence, newHttp, newLifecycle, loginSessionLifetime,
                commandTimeout, network, problems, clock);
    }

    /** The same configuration reading time from {@code newClock} (an embedder's clock, a test's offset). */
    public MaestroAuthConfig withClock(Clock newClock) {
        return new MaestroAuthConfig(environment, providers, persistence, http, lifecycle, loginSessionLifetime,
                commandTimeout, network, problems, newClock);
    }

    public static MaestroAuthConfig fromSystemEnvironment() {
        return fromEnvironment(System.getenv());
    }
}
