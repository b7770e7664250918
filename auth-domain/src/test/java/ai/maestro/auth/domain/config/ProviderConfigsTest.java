package ai.maestro.auth.domain.config;

import ai.maestro.auth.domain.ConfigProblem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.ConfigProblem.Kind;
import ai.maestro.auth.domain.error.ConfigurationException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProviderConfigsTest {

    @Test
    void defaultsAreTheProvidersPublishedPublicClients() {
        ProviderConfigs configs = ProviderConfigs.defaults();

        ProviderConfig openai = configs.get(ProviderId.OPENAI);
        assertEquals("app_EMoamEEZ73f0CkXaXp7hrann", openai.clientId());
        assertEquals(URI.create("https://auth.openai.com/oauth/token"), openai.tokenEndpoint());
        assertEquals(URI.create("http://localhost:1455/auth/callback"), openai.redirectUri());
        assertEquals(List.of("openid", "profile", "email", "offline_access"), openai.scopes());
        assertEquals(TokenRequestFormat.FORM, openai.codeExchangeFormat());
        assertTrue(openai.redirectsToLoopback());

        ProviderConfig anthropic = configs.get(ProviderId.ANTHROPIC);
        assertEquals(URI.create("https://platform.claude.com/v1/oauth/token"), anthropic.tokenEndpoint());
        assertEquals(TokenRequestFormat.JSON, anthropic.codeExchangeFormat());
        assertTrue(anthropic.stateInCodeExchange());
        assertEquals(List.of(new QueryParameter("code", "true")), anthropic.extraAuthorizationParameters());
        assertTrue(configs.problems().isEmpty());
    }

    @Test
    void environmentVariablesOverrideEachSettingAndAreReportedAsTheSource() {
        ProviderConfigs configs = ProviderConfigs.fromEnvironment(Map.of(
                "ANTHROPIC_OAUTH_TOKEN_ENDPOINT", "https://example.test/v2/token",
                "OPENAI_OAUTH_ORIGINATOR", "orchestrator",
                "OPENAI_OAUTH_SCOPES", "openid offline_access"));

        assertEquals(URI.create("https://example.test/v2/token"), configs.get(ProviderId.ANTHROPIC).tokenEndpoint());
        assertEquals(List.of("openid", "offline_access"), configs.get(ProviderId.OPENAI).scopes());
        assertTrue(configs.get(ProviderId.OPENAI).extraAuthorizationParameters()
                .contains(new QueryParameter("originator", "orchestrator")));
        ProviderConfigs.Setting endpoint = configs.settings(ProviderId.ANTHROPIC).stream()
                .filter(s -> s.variable().equals("ANTHROPIC_OAUTH_TOKEN_ENDPOINT")).findFirst().orElseThrow();
        assertEquals("environment", endpoint.source());
        ProviderConfigs.Setting clientId = configs.settings(ProviderId.ANTHROPIC).stream()
                .filter(s -> s.variable().equals("ANTHROPIC_OAUTH_CLIENT_ID")).findFirst().orElseThrow();
        assertEquals("default", clientId.source());
    }

    @Test
    void reportsEveryProblemAtOnce() {
        ProviderConfigs configs = ProviderConfigs.fromEnvironment(Map.of(
                "OPENAI_OAUTH_CLIENT_ID", " ",
                "OPENAI_OAUTH_AUTHORIZATION_ENDPOINT", "/oauth/authorize",
                "OPENAI_OAUTH_TOKEN_ENDPOINT", "http://auth.example.com/oauth/token",
                "OPENAI_OAUTH_REDIRECT_URI", "https://example.com/callback",
                "OPENAI_OAUTH_SCOPES", "",
                "OPENAI_OAUTH_EXTRA_AUTHORIZATION_PARAMS", "state=x&prompt=login&prompt=none"));

        ConfigurationException error = assertThrows(ConfigurationException.class, () -> configs.get(ProviderId.OPENAI));

        Set<Kind> kinds = error.problems().stream().map(ConfigProblem::kind).collect(Collectors.toSet());
        assertEquals(Set.of(Kind.MISSING_CLIENT_ID, Kind.RELATIVE_ENDPOINT, Kind.INSECURE_ENDPOINT,
                Kind.REDIRECT_NOT_LOOPBACK_HTTP, Kind.EMPTY_SCOPES, Kind.RESERVED_EXTRA_PARAMETER,
                Kind.DUPLICATE_EXTRA_PARAMETER), kinds);
        assertTrue(error.getMessage().contains("OPENAI_OAUTH_TOKEN_ENDPOINT"));
        // The other provider is unaffected by OpenAI's bad settings.
        assertEquals("9d1c250a-e61b-44d9-88ed-5944d1962f5e", configs.get(ProviderId.ANTHROPIC).clientId());
    }

    @Test
    void allowsPlainHttpOnlyOnLoopbackHosts() {
        for (String host : List.of("127.0.0.1:8080", "localhost:8080", "[::1]:8080")) {
            ProviderConfigs configs = ProviderConfigs.fromEnvironment(Map.of(
                    "OPENAI_OAUTH_TOKEN_ENDPOINT", "http://" + host + "/oauth/token"));
            assertEquals("http", configs.get(ProviderId.OPENAI).tokenEndpoint().getScheme(), host);
        }
        ProviderConfigs remote = ProviderConfigs.fromEnvironment(Map.of(
                "ANTHROPIC_OAUTH_TOKEN_ENDPOINT", "http://10.0.0.1/oauth/token"));
        assertThrows(ConfigurationException.class, () -> remote.get(ProviderId.ANTHROPIC));
    }

    @Test
    void anthropicMayUseALoopbackRedirectInsteadOfTheHostedPage() {
        ProviderConfigs configs = ProviderConfigs.fromEnvironment(Map.of(
                "ANTHROPIC_OAUTH_REDIRECT_URI", "http://localhost:54545/callback"));

        assertTrue(configs.get(ProviderId.ANTHROPIC).redirectsToLoopback());
    }

    @Test
    void rejectsScopesWithForbiddenCharactersAndUnparseableUrls() {
        ProviderConfigs configs = ProviderConfigs.fromEnvironment(Map.of(
                "ANTHROPIC_OAUTH_SCOPES", "user:profile bad\"scope",
                "ANTHROPIC_OAUTH_AUTHORIZATION_ENDPOINT", "https://exa mple.com/auth"));

        ConfigurationException error = assertThrows(ConfigurationException.class,
                () -> configs.get(ProviderId.ANTHROPIC));
        Set<Kind> kinds = error.problems().stream().map(ConfigProblem::kind).collect(Collectors.toSet());
        assertEquals(Set.of(Kind.INVALID_SCOPE, Kind.INVALID_URI), kinds);
    }

    @Test
    void theConstructorRefusesAnInvalidConfigurationToo() {
        ProviderConfig valid = ProviderConfigs.defaults().get(ProviderId.OPENAI);
        assertThrows(ConfigurationException.class, () -> new ProviderConfig(valid.provider(), "",
                valid.authorizationEndpoint(), URI.create("http://evil.example/token"), valid.redirectUri(),
                valid.scopes(), valid.extraAuthorizationParameters(), valid.codeExchangeFormat(),
                valid.stateInCodeExchange(), valid.refreshFormat(), valid.refreshScopes()));
    }
}
