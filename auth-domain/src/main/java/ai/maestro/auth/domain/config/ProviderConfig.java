package ai.maestro.auth.domain.config;

import ai.maestro.auth.domain.ConfigProblem;

import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.error.ConfigurationException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated provider configuration: where to send the user, where to exchange codes, and the
 * provider's dialect of the token request (body format, whether {@code state} goes along, the
 * scope a refresh asks for).
 */
public record ProviderConfig(
        ProviderId provider,
        String clientId,
        URI authorizationEndpoint,
        URI tokenEndpoint,
        URI redirectUri,
        List<String> scopes,
        List<QueryParameter> extraAuthorizationParameters,
        TokenRequestFormat codeExchangeFormat,
        boolean stateInCodeExchange,
        TokenRequestFormat refreshFormat,
        List<String> refreshScopes,
        Optional<URI> revocationEndpoint,
        Optional<DeviceEndpoints> deviceEndpoints,
        Optional<URI> fallbackRedirectUri) {

    /**
     * Where a device login talks (OpenAI's own flow): ask for a user code, poll for the grant, the page
     * the user opens, and the redirect URI the issued code is bound to.
     */
    public record DeviceEndpoints(URI userCodeEndpoint, URI tokenEndpoint, URI verificationUri, URI redirectUri) {
        public DeviceEndpoints {
            Objects.requireNonNull(userCodeEndpoint, "userCodeEndpoint");
            Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
            Objects.requireNonNull(verificationUri, "verificationUri");
            Objects.requireNonNull(redirectUri, "redirectUri");
        }
    }

    public ProviderConfig {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(codeExchangeFormat, "codeExchangeFormat");
        Objects.requireNonNull(refreshFormat, "refreshFormat");
        scopes = List.copyOf(scopes);
        extraAuthorizationParameters = List.copyOf(extraAuthorizationParameters);
        refreshScopes = List.copyOf(refreshScopes);
        Objects.requireNonNull(revocationEndpoint, "revocationEndpoint");
        Objects.requireNonNull(deviceEndpoints, "deviceEndpoints");
        Objects.requireNonNull(fallbackRedirectUri, "fallbackRedirectUri");
        List<ConfigProblem> problems = ProviderConfigValidator.problems(new ProviderSettings(provider, clientId,
                String.valueOf(authorizationEndpoint), String.valueOf(tokenEndpoint), String.valueOf(redirectUri),
                String.join(" ", scopes), extraAuthorizationParameters));
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    /** A configuration without revocation or device login. */
    public ProviderConfig(ProviderId provider, String clientId, URI authorizationEndpoint, URI tokenEndpoint,
                          URI redirectUri, List<String> scopes, List<QueryParameter> extraAuthorizationParameters,
                          TokenRequestFormat codeExchangeFormat, boolean stateInCodeExchange,
                          TokenRequestFormat refreshFormat, List<String> refreshScopes) {
        this(provider, clientId, authorizationEndpoint, tokenEndpoint, redirectUri, scopes,
                extraAuthorizationParameters, codeExchangeFormat, stateInCodeExchange, refreshFormat, refreshScopes,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Validates settings; throws {@link ConfigurationException} listing every problem. */
    public static ProviderConfig from(ProviderSettings s) {
        List<ConfigProblem> problems = ProviderConfigValidator.problems(s);
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        boolean openai = s.provider() == ProviderId.OPENAI;
        return new ProviderConfig(s.provider(), s.clientId().trim(),
                URI.create(s.authorizationEndpoint().trim()), URI.create(s.tokenEndpoint().trim()),
                URI.create(s.redirectUri().trim()),
                Arrays.asList(s.scopes().trim().split(" +")),
                s.extraAuthorizationParameters(),
                // OpenAI takes the RFC's form body for the code; Anthropic JSON with the state.
                openai ? TokenRequestFormat.FORM : TokenRequestFormat.JSON,
                !openai,
                TokenRequestFormat.JSON,
                // The Codex CLI narrows a refresh to these scopes; Anthropic's refresh sends none.
                openai ? List.of("openid", "profile", "email") : List.of(),
                optional(s, ProviderSettings.REVOCATION),
                optional(s, ProviderSettings.DEVICE_USERCODE).flatMap(userCode -> optional(s, ProviderSettings.DEVICE_TOKEN)
                        .flatMap(token -> optional(s, ProviderSettings.DEVICE_VERIFICATION)
                                .flatMap(page -> optional(s, ProviderSettings.DEVICE_REDIRECT)
                                        .map(redirect -> new DeviceEndpoints(userCode, token, page, redirect))))),
                optional(s, ProviderSettings.FALLBACK_REDIRECT));
    }

    private static Optional<URI> optional(ProviderSettings s, String name) {
        String value = s.optionalEndpoints().get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(URI.create(value.trim()));
    }

    /** The same configuration, redirecting to {@code redirect} (one of the registered loopback redirects). */
    public ProviderConfig withRedirectUri(URI redirect) {
        return new ProviderConfig(provider, clientId, authorizationEndpoint, tokenEndpoint, redirect, scopes,
                extraAuthorizationParameters, codeExchangeFormat, stateInCodeExchange, refreshFormat, refreshScopes,
                revocationEndpoint, deviceEndpoints, Optional.empty());
    }

    /** True when the redirect lands on our own loopback receiver rather than a provider-hosted page. */
    public boolean redirectsToLoopback() {
        return "http".equalsIgnoreCase(redirectUri.getScheme())
                && ProviderConfigValidator.isLoopbackHost(redirectUri.getHost());
    }

    // What the provider offers beyond the sign-in, said in one place for every command and embedder.

    /** Device login (OpenAI's own flow): when its endpoints are configured. */
    public boolean offersDeviceLogin() {
        return deviceEndpoints.isPresent();
    }

    /** RFC 7009 revocation: when an endpoint is configured (Anthropic publishes none). */
    public boolean offersRevocation() {
        return revocationEndpoint.isPresent();
    }

    /** RFC 8693 exchange of the sign-in's id_token for an API key: OpenAI's, whose sign-in has an id_token. */
    public boolean offersApiKeyExchange() {
        return provider == ProviderId.OPENAI;
    }

    /** Plan and rate-limit windows of the sign-in (the ChatGPT usage endpoint). */
    public boolean offersUsage() {
        return provider == ProviderId.OPENAI;
    }
}
