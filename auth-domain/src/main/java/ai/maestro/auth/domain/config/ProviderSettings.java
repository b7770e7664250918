package ai.maestro.auth.domain.config;

import ai.maestro.auth.domain.ProviderId;
import java.util.List;
import java.util.Map;
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
        List<QueryParameter> extraAuthorizationParameters,
        Map<String, String> optionalEndpoints) {

    /** Endpoints a provider may or may not offer, by the name of their variable's suffix. */
    public static final String REVOCATION = "REVOCATION_ENDPOINT";
    public static final String DEVICE_USERCODE = "DEVICE_USERCODE_ENDPOINT";
    public static final String DEVICE_TOKEN = "DEVICE_TOKEN_ENDPOINT";
    public static final String DEVICE_VERIFICATION = "DEVICE_VERIFICATION_URI";
    public static final String DEVICE_REDIRECT = "DEVICE_REDIRECT_URI";
    /** The second loopback redirect registered for the client, used when the first port is taken. */
    public static final String FALLBACK_REDIRECT = "FALLBACK_REDIRECT_URI";
    public static final List<String> OPTIONAL_ENDPOINTS = List.of(REVOCATION, DEVICE_USERCODE, DEVICE_TOKEN,
            DEVICE_VERIFICATION, DEVICE_REDIRECT, FALLBACK_REDIRECT);

    public ProviderSettings {
        Objects.requireNonNull(provider, "provider");
        extraAuthorizationParameters = List.copyOf(extraAuthorizationParameters);
        optionalEndpoints = Map.copyOf(optionalEndpoints);
    }

    /** Settings of a provider that offers no optional endpoint. */
    public ProviderSettings(ProviderId provider, String clientId, String authorizationEndpoint, String tokenEndpoint,
                            String redirectUri, String scopes, List<QueryParameter> extraAuthorizationParameters) {
        this(provider, clientId, authorizationEndpoint, tokenEndpoint, redirectUri, scopes,
                extraAuthorizationParameters, Map.of());
    }

    /** The environment variable that sets {@code name} for this provider, e.g. OPENAI_OAUTH_CLIENT_ID. */
    public String variable(String name) {
        return provider.name() + "_OAUTH_" + name;
    }
}
