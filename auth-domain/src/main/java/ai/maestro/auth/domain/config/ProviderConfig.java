package ai.maestro.auth.domain.config;

import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.error.ConfigurationException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
        List<String> refreshScopes) {

    public ProviderConfig {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(codeExchangeFormat, "codeExchangeFormat");
        Objects.requireNonNull(refreshFormat, "refreshFormat");
        scopes = List.copyOf(scopes);
        extraAuthorizationParameters = List.copyOf(extraAuthorizationParameters);
        refreshScopes = List.copyOf(refreshScopes);
        List<ConfigProblem> problems = ProviderConfigValidator.problems(new ProviderSettings(provider, clientId,
                String.valueOf(authorizationEndpoint), String.valueOf(tokenEndpoint), String.valueOf(redirectUri),
                String.join(" ", scopes), extraAuthorizationParameters));
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
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
                openai ? List.of("openid", "profile", "email") : List.of());
    }

    /** True when the redirect lands on our own loopback receiver rather than a provider-hosted page. */
    public boolean redirectsToLoopback() {
        return "http".equalsIgnoreCase(redirectUri.getScheme())
                && ProviderConfigValidator.isLoopbackHost(redirectUri.getHost());
    }
}
