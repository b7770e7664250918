package ai.maestro.auth.adapter.outbound.http;

import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.ConfigProblem;
import ai.maestro.auth.domain.config.ProviderConfigValidator;
import ai.maestro.auth.domain.error.ConfigurationException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the providers' APIs are, for the calls made with a stored credential. Configuration, not
 * code, so that the next move of a host costs an environment variable.
 *
 * @param chatGptBase base of OpenAI's ChatGPT backend, which accepts the sign-in token
 * @param openAiUsage the sign-in's usage and rate limits (what {@code verify} and {@code usage} call)
 * @param openAiApiBase base of the OpenAI API, which accepts the API key from {@code api-key}
 * @param anthropicVerify a cheap authenticated Anthropic endpoint for {@code verify}
 */
public record ProviderApiSettings(URI chatGptBase, URI openAiUsage, URI openAiApiBase, URI anthropicVerify) {
    public static final String CHATGPT_BASE = "OPENAI_CHATGPT_BASE_URL";
    public static final String OPENAI_USAGE = "OPENAI_USAGE_URL";
    public static final String OPENAI_API_BASE = "OPENAI_API_BASE_URL";
    public static final String ANTHROPIC_VERIFY = "ANTHROPIC_VERIFY_URL";
    /** What Anthropic requires beside a sign-in token. */
    public static final String ANTHROPIC_OAUTH_BETA = "oauth-2025-04-20";

    public static ProviderApiSettings defaults() {
        return fromEnvironment(Map.of());
    }

    /** Reads the four variables; every problem is reported at once as a {@link ConfigurationException}. */
    public static ProviderApiSettings fromEnvironment(Map<String, String> env) {
        List<ConfigProblem> problems = new ArrayList<>();
        URI chatGpt = uri(env, CHATGPT_BASE, "https://chatgpt.com/backend-api/codex", ProviderId.OPENAI, problems);
        URI usage = uri(env, OPENAI_USAGE, "https://chatgpt.com/backend-api/wham/usage", ProviderId.OPENAI, problems);
        URI api = uri(env, OPENAI_API_BASE, "https://api.openai.com/v1", ProviderId.OPENAI, problems);
        URI anthropic = uri(env, ANTHROPIC_VERIFY, "https://api.anthropic.com/v1/models", ProviderId.ANTHROPIC,
                problems);
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new ProviderApiSettings(chatGpt, usage, api, anthropic);
    }

    private static URI uri(Map<String, String> env, String variable, String fallback, ProviderId provider,
                           List<ConfigProblem> problems) {
        String value = env.getOrDefault(variable, "");
        String text = value.isBlank() ? fallback : value.trim();
        try {
            URI uri = URI.create(text);
            if (!uri.isAbsolute() || uri.getHost() == null) {
                problems.add(new ConfigProblem(provider, variable, ConfigProblem.Kind.RELATIVE_ENDPOINT,
                        variable + " must be an absolute https:// URL"));
            } else if (!ProviderConfigValidator.isSecureOrLoopback(uri)) {
                problems.add(new ConfigProblem(provider, variable, ConfigProblem.Kind.INSECURE_ENDPOINT,
                        variable + " must use https:// (http:// only on a loopback host)"));
            }
            return uri;
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigProblem(provider, variable, ConfigProblem.Kind.INVALID_URI,
                    variable + " is not a URL"));
            return null;
        }
    }

    /** {@code base} joined with a path below it, e.g. the API base and {@code models}. */
    public static URI below(URI base, String path) {
        String text = base.toString();
        return URI.create(text.endsWith("/") ? text + path : text + "/" + path);
    }
}
