package ai.maestro.auth.app.wiring;

import ai.maestro.auth.adapter.outbound.http.NetworkSettings;
import ai.maestro.auth.adapter.outbound.http.ProviderApiSettings;
import ai.maestro.auth.adapter.outbound.persistence.CredentialStores;
import ai.maestro.auth.adapter.outbound.persistence.EncryptionKeys;
import ai.maestro.auth.adapter.outbound.persistence.KeySource;
import ai.maestro.auth.adapter.outbound.persistence.PersistenceSettings;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.ConfigProblem;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.domain.error.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The effective configuration as {@code config} shows it: every setting with where it came from
 * (secrets masked), in sections, and every problem found.
 */
public record EffectiveSettings(List<Section> sections, List<ConfigProblem> problems) {
    /** A titled group of settings. */
    public record Section(String title, List<Setting> settings) {
        public Section {
            settings = List.copyOf(settings);
        }
    }

    /** One variable, where its value came from ({@code (environment)}, {@code (default)}, ...), and the value. */
    public record Setting(String variable, String source, Object value) {
    }

    public EffectiveSettings {
        sections = List.copyOf(sections);
        problems = List.copyOf(problems);
    }

    public static EffectiveSettings of(MaestroAuthConfig config) {
        List<Section> sections = new ArrayList<>();
        ProviderConfigs providers = config.providers();
        for (ProviderId provider : ProviderId.values()) {
            sections.add(new Section(provider.displayName(), providers.settings(provider).stream()
                    .map(s -> new Setting(s.variable(), "(" + s.source() + ")", s.value())).toList()));
        }
        Map<String, String> env = config.environment();
        List<ConfigProblem> problems = new ArrayList<>(providers.problems());
        problems.addAll(config.problems());
        sections.add(store(config.persistence(), env));
        sections.add(new Section("Time limits", List.of(
                fromEnv(env, MaestroAuthConfig.SKEW_VARIABLE, config.lifecycle().skew().toSeconds() + " s before expiry"),
                fromEnv(env, MaestroAuthConfig.HTTP_DEADLINE_VARIABLE, config.http().deadline().toSeconds()
                        + " s per token request"),
                fromEnv(env, MaestroAuthConfig.COMMAND_TIMEOUT_VARIABLE, config.commandTimeout().toSeconds()
                        + " s per command"))));
        sections.add(apis(env, problems));
        sections.add(network(config.network(), env));
        return new EffectiveSettings(sections, problems);
    }

    private static Section store(PersistenceSettings persistence, Map<String, String> env) {
        return new Section("Credential store", List.of(
                fromEnv(env, PersistenceSettings.HOME, persistence.dataDirectory()),
                fromEnv(env, PersistenceSettings.DB_URL, persistence.jdbcUrl().isPresent() ? persistence.describe()
                        : "(embedded H2)"),
                fromEnv(env, PersistenceSettings.DB_USER, persistence.user()),
                fromEnv(env, PersistenceSettings.DB_PASSWORD, persistence.password().isEmpty() ? "" : "***"),
                fromEnv(env, EncryptionKeys.VARIABLE, env.containsKey(EncryptionKeys.VARIABLE) ? "***"
                        : persistence.dataDirectory().resolve(EncryptionKeys.KEY_FILE) + " (key file)"),
                fromEnv(env, KeySource.VARIABLE, CredentialStores.keyPlace(persistence, env))));
    }

    private static Section apis(Map<String, String> env, List<ConfigProblem> problems) {
        ProviderApiSettings apis = null;
        try {
            apis = ProviderApiSettings.fromEnvironment(env);
        } catch (ConfigurationException invalid) {
            problems.addAll(invalid.problems());
        }
        List<Setting> rows = new ArrayList<>();
        for (String variable : List.of(ProviderApiSettings.CHATGPT_BASE, ProviderApiSettings.OPENAI_USAGE,
                ProviderApiSettings.OPENAI_API_BASE, ProviderApiSettings.ANTHROPIC_VERIFY)) {
            rows.add(fromEnv(env, variable, apis == null ? env.getOrDefault(variable, "") : apiUrl(apis, variable)));
        }
        return new Section("Provider APIs (verify, usage, the interceptor)", rows);
    }

    /** The parsed settings (direct when they are invalid: the problem is listed with the others). */
    private static Section network(NetworkSettings network, Map<String, String> env) {
        return new Section("Network (as curl reads it; loopback is never proxied)", List.of(
                new Setting("HTTPS_PROXY", network.httpsProxy().isPresent() ? "(environment)" : "(default)",
                        network.httpsProxy().map(NetworkSettings.ProxyServer::describe).orElse("(direct)")),
                new Setting("http_proxy", network.httpProxy().isPresent() ? "(environment)" : "(default)",
                        network.httpProxy().map(NetworkSettings.ProxyServer::describe).orElse("(direct)")),
                new Setting("NO_PROXY", network.noProxy().isEmpty() ? "(default)" : "(environment)",
                        String.join(",", network.noProxy())),
                fromEnv(env, NetworkSettings.CA_BUNDLE, network.caBundle().map(Object::toString)
                        .orElse("(the JDK's CAs only)"))));
    }

    private static Object apiUrl(ProviderApiSettings apis, String variable) {
        return switch (variable) {
            case ProviderApiSettings.CHATGPT_BASE -> apis.chatGptBase();
            case ProviderApiSettings.OPENAI_USAGE -> apis.openAiUsage();
            case ProviderApiSettings.OPENAI_API_BASE -> apis.openAiApiBase();
            default -> apis.anthropicVerify();
        };
    }

    private static Setting fromEnv(Map<String, String> env, String variable, Object value) {
        return new Setting(variable, env.containsKey(variable) ? "(environment)" : "(default)", value);
    }
}
