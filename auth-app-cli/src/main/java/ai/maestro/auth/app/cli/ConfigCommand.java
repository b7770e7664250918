package ai.maestro.auth.app.cli;

import ai.maestro.auth.domain.error.ExitCodes;
import ai.maestro.auth.adapter.outbound.http.NetworkSettings;
import ai.maestro.auth.adapter.outbound.http.ProviderApiSettings;
import ai.maestro.auth.adapter.outbound.persistence.EncryptionKeys;
import ai.maestro.auth.adapter.outbound.persistence.PersistenceSettings;
import ai.maestro.auth.app.wiring.MaestroAuthConfig;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.config.ConfigProblem;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.domain.error.ConfigurationException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code config}: the effective settings and where each came from. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Show the effective configuration and where each value comes from. Secrets are masked.",
        footer = "Exit code 7 when a setting is invalid.")
final class ConfigCommand extends Subcommand {
    /** Variable, where it came from, value: the value last, so a long one cannot push the others out of line. */
    private static final String FORMAT = "  %-40s %-13s %s%n";

    @Override
    public Integer call() {
        CliContext context = context();
        PrintWriter out = context.out();
        ProviderConfigs providers = context.config().providers();
        for (ProviderId provider : ProviderId.values()) {
            out.println(provider.displayName());
            providers.settings(provider).forEach(s -> row(out, s.variable(), s.value(), "(" + s.source() + ")"));
            out.println();
        }
        Map<String, String> env = context.config().environment();
        PersistenceSettings persistence = context.config().persistence();
        out.println("Credential store");
        row(out, PersistenceSettings.HOME, persistence.dataDirectory(), source(env, PersistenceSettings.HOME));
        row(out, PersistenceSettings.DB_URL, persistence.jdbcUrl().isPresent() ? persistence.describe()
                : "(embedded H2)", source(env, PersistenceSettings.DB_URL));
        row(out, PersistenceSettings.DB_USER, persistence.user(), source(env, PersistenceSettings.DB_USER));
        row(out, PersistenceSettings.DB_PASSWORD, persistence.password().isEmpty() ? "" : "***",
                source(env, PersistenceSettings.DB_PASSWORD));
        row(out, EncryptionKeys.VARIABLE, env.containsKey(EncryptionKeys.VARIABLE) ? "***"
                : persistence.dataDirectory().resolve(EncryptionKeys.KEY_FILE) + " (key file)",
                source(env, EncryptionKeys.VARIABLE));
        row(out, ai.maestro.auth.adapter.outbound.persistence.KeySource.VARIABLE,
                ai.maestro.auth.adapter.outbound.persistence.CredentialStores.keyPlace(persistence, env),
                source(env, ai.maestro.auth.adapter.outbound.persistence.KeySource.VARIABLE));
        List<ConfigProblem> problems = new ArrayList<>(providers.problems());
        problems.addAll(context.config().problems());
        MaestroAuthConfig config = context.config();
        out.println();
        out.println("Time limits");
        row(out, MaestroAuthConfig.SKEW_VARIABLE, config.lifecycle().skew().toSeconds() + " s before expiry",
                source(env, MaestroAuthConfig.SKEW_VARIABLE));
        row(out, MaestroAuthConfig.HTTP_DEADLINE_VARIABLE, config.http().deadline().toSeconds()
                + " s per token request", source(env, MaestroAuthConfig.HTTP_DEADLINE_VARIABLE));
        row(out, MaestroAuthConfig.COMMAND_TIMEOUT_VARIABLE, config.commandTimeout().toSeconds()
                + " s per command", source(env, MaestroAuthConfig.COMMAND_TIMEOUT_VARIABLE));
        out.println();
        out.println("Provider APIs (verify, usage, the interceptor)");
        ProviderApiSettings apis = null;
        try {
            apis = ProviderApiSettings.fromEnvironment(env);
        } catch (ConfigurationException invalid) {
            problems.addAll(invalid.problems());
        }
        ProviderApiSettings shown = apis;
        for (String variable : List.of(ProviderApiSettings.CHATGPT_BASE, ProviderApiSettings.OPENAI_USAGE,
                ProviderApiSettings.OPENAI_API_BASE, ProviderApiSettings.ANTHROPIC_VERIFY)) {
            row(out, variable, shown == null ? env.getOrDefault(variable, "") : apiUrl(shown, variable),
                    source(env, variable));
        }
        out.println();
        out.println("Network (as curl reads it; loopback is never proxied)");
        // The parsed settings (direct when they are invalid: the problem is listed below).
        NetworkSettings network = config.network();
        row(out, "HTTPS_PROXY", network.httpsProxy().map(NetworkSettings.ProxyServer::describe).orElse("(direct)"),
                network.httpsProxy().isPresent() ? "(environment)" : "(default)");
        row(out, "http_proxy", network.httpProxy().map(NetworkSettings.ProxyServer::describe).orElse("(direct)"),
                network.httpProxy().isPresent() ? "(environment)" : "(default)");
        row(out, "NO_PROXY", String.join(",", network.noProxy()), network.noProxy().isEmpty() ? "(default)"
                : "(environment)");
        row(out, NetworkSettings.CA_BUNDLE, network.caBundle().map(Object::toString).orElse("(the JDK's CAs only)"),
                source(env, NetworkSettings.CA_BUNDLE));
        if (problems.isEmpty()) {
            return ExitCodes.OK;
        }
        out.println();
        out.println("Problems:");
        problems.forEach(p -> out.println("  - " + p.message()));
        return ExitCodes.CONFIGURATION;
    }

    private static Object apiUrl(ProviderApiSettings apis, String variable) {
        return switch (variable) {
            case ProviderApiSettings.CHATGPT_BASE -> apis.chatGptBase();
            case ProviderApiSettings.OPENAI_USAGE -> apis.openAiUsage();
            case ProviderApiSettings.OPENAI_API_BASE -> apis.openAiApiBase();
            default -> apis.anthropicVerify();
        };
    }

    private static void row(PrintWriter out, String variable, Object value, String source) {
        out.printf(FORMAT, variable, source, value);
    }

    private static String source(Map<String, String> env, String variable) {
        return env.containsKey(variable) ? "(environment)" : "(default)";
    }
}
