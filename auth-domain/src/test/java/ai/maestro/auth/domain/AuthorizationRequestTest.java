package ai.maestro.auth.domain;

import ai.maestro.auth.domain.login.AuthorizationRequest;
import ai.maestro.auth.domain.login.AuthorizationSession;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.config.ProviderConfigs;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthorizationRequestTest {
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final String STATE = "af0ifjsldkjAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private static AuthorizationSession session(ProviderConfig config) {
        return new AuthorizationSession(config.provider(), State.of(STATE), PkceParams.fromVerifier(VERIFIER),
                config.redirectUri(), NOW, NOW.plusSeconds(600));
    }

    @Test
    void openAiUrlIsExactlyTheGoldenOne() {
        ProviderConfig config = ProviderConfigs.defaults().get(ProviderId.OPENAI);

        URI uri = AuthorizationRequest.build(config, session(config)).uri();

        assertEquals("https://auth.openai.com/oauth/authorize?response_type=code"
                + "&client_id=app_EMoamEEZ73f0CkXaXp7hrann"
                + "&redirect_uri=http%3A%2F%2Flocalhost%3A1455%2Fauth%2Fcallback"
                + "&scope=openid%20profile%20email%20offline_access"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                + "&code_challenge_method=S256"
                + "&state=" + STATE
                + "&id_token_add_organizations=true&codex_cli_simplified_flow=true&originator=maestro_auth",
                uri.toString());
    }

    @Test
    void anthropicUrlIsExactlyTheGoldenOne() {
        ProviderConfig config = ProviderConfigs.defaults().get(ProviderId.ANTHROPIC);

        URI uri = AuthorizationRequest.build(config, session(config)).uri();

        assertEquals("https://claude.ai/oauth/authorize?response_type=code"
                + "&client_id=9d1c250a-e61b-44d9-88ed-5944d1962f5e"
                + "&redirect_uri=https%3A%2F%2Fplatform.claude.com%2Foauth%2Fcode%2Fcallback"
                + "&scope=org%3Acreate_api_key%20user%3Aprofile%20user%3Ainference"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                + "&code_challenge_method=S256"
                + "&state=" + STATE
                + "&code=true",
                uri.toString());
    }

    @Test
    void everyParameterParsesBackExactlyOnce() {
        for (ProviderId provider : ProviderId.values()) {
            ProviderConfig config = ProviderConfigs.defaults().get(provider);
            URI uri = AuthorizationRequest.build(config, session(config)).uri();

            Map<String, Integer> counts = new HashMap<>();
            Map<String, String> values = new HashMap<>();
            for (String pair : uri.getRawQuery().split("&")) {
                String[] parts = pair.split("=", 2);
                String name = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                counts.merge(name, 1, Integer::sum);
                values.put(name, URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
            }

            counts.forEach((name, count) -> assertEquals(1, count, name));
            assertEquals("code", values.get("response_type"));
            assertEquals(config.clientId(), values.get("client_id"));
            assertEquals(config.redirectUri().toString(), values.get("redirect_uri"));
            assertEquals(String.join(" ", config.scopes()), values.get("scope"));
            assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", values.get("code_challenge"));
            assertEquals("S256", values.get("code_challenge_method"));
            assertEquals(STATE, values.get("state"));
            config.extraAuthorizationParameters().forEach(p -> assertEquals(p.value(), values.get(p.name())));
            assertEquals(7 + config.extraAuthorizationParameters().size(), counts.size());
        }
    }

    @Test
    void encodesReservedCharactersAsRfc3986Requires() {
        assertEquals("a%20b%2Bc%26d%3De~f%2A", AuthorizationRequest.encode("a b+c&d=e~f*"));
    }

    @Test
    void toStringHidesTheStateAndChallenge() {
        ProviderConfig config = ProviderConfigs.defaults().get(ProviderId.OPENAI);
        String text = AuthorizationRequest.build(config, session(config)).toString();
        assertFalse(text.contains(STATE));
    }

    @org.junit.jupiter.api.Test
    void theTemplateOfALoginGivesTheSameUrlAsBuildingItWholeForEveryProvider() {
        for (ai.maestro.auth.domain.ProviderId provider : ai.maestro.auth.domain.ProviderId.values()) {
            ai.maestro.auth.domain.config.ProviderConfig config = ai.maestro.auth.domain.config.ProviderConfigs
                    .fromEnvironment(java.util.Map.of(provider.name() + "_OAUTH_EXTRA_AUTHORIZATION_PARAMS",
                            "a=b c&x=~y")).get(provider);
            AuthorizationSession session = AuthorizationSession.start(config, new java.security.SecureRandom(),
                    java.time.Instant.now(), java.time.Duration.ofMinutes(5));

            org.junit.jupiter.api.Assertions.assertEquals(AuthorizationRequest.build(config, session).uri(),
                    AuthorizationRequest.Template.of(config, config.redirectUri()).fill(session).uri());
        }
    }
}
