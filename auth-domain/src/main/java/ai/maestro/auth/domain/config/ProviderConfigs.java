package ai.maestro.auth.domain.config;

import ai.maestro.auth.domain.ConfigProblem;

import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.error.ConfigurationException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration of every provider: the published defaults ({@link ProviderDefaults}) overridden by
 * environment variables.
 * Takes the environment as a map so tests never touch the real one. A provider whose settings
 * are invalid fails only when it is used; {@link #problems()} lists all of them at once.
 */
public final class ProviderConfigs {
    /** One effective setting and where its value came from, for display. */
    public record Setting(String variable, String value, String source) {
    }

    private final Map<ProviderId, ProviderSettings> settings = new EnumMap<>(ProviderId.class);
    private final Map<ProviderId, List<Setting>> sources = new EnumMap<>(ProviderId.class);
    private final Map<ProviderId, ProviderConfig> valid = new EnumMap<>(ProviderId.class);
    private final Map<ProviderId, List<ConfigProblem>> problems = new EnumMap<>(ProviderId.class);

    private ProviderConfigs(Map<String, String> env) {
        for (ProviderId provider : ProviderId.values()) {
            load(provider, env);
        }
    }

    public static ProviderConfigs fromEnvironment(Map<String, String> env) {
        return new ProviderConfigs(Map.copyOf(env));
    }

    public static ProviderConfigs defaults() {
        return fromEnvironment(Map.of());
    }

    /** The validated configuration, or a {@link ConfigurationException} naming every problem of it. */
    public ProviderConfig get(ProviderId provider) {
        ProviderConfig config = valid.get(provider);
        if (config == null) {
            throw new ConfigurationException(problems.get(provider));
        }
        return config;
    }

    public List<ConfigProblem> problems() {
        List<ConfigProblem> all = new ArrayList<>();
        problems.values().forEach(all::addAll);
        return all;
    }

    public List<Setting> settings(ProviderId provider) {
        return sources.get(provider);
    }

    private void load(ProviderId provider, Map<String, String> env) {
        List<Setting> used = new ArrayList<>();
        String issuerDefault = ProviderDefaults.issuer(provider);
        String issuerVariable = provider.name() + "_OAUTH_ISSUER";
        String issuer = issuerDefault.isEmpty() ? "" : stripSlash(pick(env, issuerVariable, issuerDefault, used));
        ProviderSettings defaults = ProviderDefaults.of(provider, issuer);
        String clientId = pick(env, defaults.variable("CLIENT_ID"), defaults.clientId(), used);
        String authorize = pick(env, defaults.variable("AUTHORIZATION_ENDPOINT"), defaults.authorizationEndpoint(), used);
        String token = pick(env, defaults.variable("TOKEN_ENDPOINT"), defaults.tokenEndpoint(), used);
        String redirect = pick(env, defaults.variable("REDIRECT_URI"), defaults.redirectUri(), used);
        String scopes = pick(env, defaults.variable("SCOPES"), defaults.scopes(), used);
        String extrasVariable = defaults.variable("EXTRA_AUTHORIZATION_PARAMS");
        List<QueryParameter> extras = env.containsKey(extrasVariable)
                ? parseExtras(env.get(extrasVariable)) : defaults.extraAuthorizationParameters();
        extras = ProviderDefaults.applyOriginator(provider, extras, env);
        used.add(new Setting(extrasVariable, formatExtras(extras),
                env.containsKey(extrasVariable) ? "environment" : "default"));

        Map<String, String> optional = new java.util.LinkedHashMap<>();
        for (String name : ProviderSettings.OPTIONAL_ENDPOINTS) {
            String fallback = defaults.optionalEndpoints().get(name);
            if (fallback != null || env.containsKey(defaults.variable(name))) {
                optional.put(name, pick(env, defaults.variable(name), fallback == null ? "" : fallback, used));
            }
        }
        ProviderSettings effective = new ProviderSettings(provider, clientId, authorize, token, redirect, scopes, extras,
                optional);
        settings.put(provider, effective);
        sources.put(provider, List.copyOf(used));
        try {
            valid.put(provider, ProviderConfig.from(effective));
            problems.put(provider, List.of());
        } catch (ConfigurationException invalid) {
            problems.put(provider, invalid.problems());
        }
    }

    private static String pick(Map<String, String> env, String variable, String fallback, List<Setting> used) {
        String value = env.get(variable);
        boolean fromEnv = value != null;
        used.add(new Setting(variable, fromEnv ? value : fallback, fromEnv ? "environment" : "default"));
        return fromEnv ? value : fallback;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** {@code name=value&name=value}; values may not contain '&'. */
    static List<QueryParameter> parseExtras(String text) {
        List<QueryParameter> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            out.add(eq < 0 ? new QueryParameter(pair.trim(), "")
                    : new QueryParameter(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim()));
        }
        return out;
    }

    static String formatExtras(List<QueryParameter> extras) {
        StringBuilder out = new StringBuilder();
        for (QueryParameter p : extras) {
            out.append(out.length() == 0 ? "" : "&").append(p.name()).append('=').append(p.value());
        }
        return out.toString();
    }
}
