package ai.maestro.auth.domain.config;

import ai.maestro.auth.domain.ProviderId;
import java.util.List;
import java.util.Objects;

/**
 * A provider's configuration as text, before validation; the form in which defaults and
 * environment variables arrive. {@link ProviderConfigValidator} turns it into a {@link ProviderConfig}.
 */
public record ProviderSettings(
        ProviderId provider,
        String clientId,
        String authorizationEndpoint,
        String tokenEndpoint,
        String redirectUri,
        String scopes,
        List<QueryParameter> extraAuthorizationParameters) {

    public ProviderSettings {
        Objects.requireNonNull(provider, "provider");
        extraAuthorizationParameters = List.copyOf(extraAuthorizationParameters);
    }

    /** The environment variable that sets {@code name} for this provider, e.g. OPENAI_OAUTH_CLIENT_ID. */
    public String variable(String name) {
        return provider.name() + "_OAUTH_" + name;
    }
}
