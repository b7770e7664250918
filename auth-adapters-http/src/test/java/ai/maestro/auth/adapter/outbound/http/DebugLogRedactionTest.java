package ai.maestro.auth.adapter.outbound.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.PkceParams;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.State;
import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.domain.error.ReloginRequiredException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** With debug logging on (see the surefire configuration), the log shows each call and never a secret. */
class DebugLogRedactionTest {
    private static final String VERIFIER = "VERIFIERdBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    @StartStop
    private final MockWebServer server = new MockWebServer();

    @Test
    void theDebugLogNamesEachCallButNoSecret() throws Exception {
        ProviderConfig config = ProviderConfigs.fromEnvironment(Map.of("OPENAI_OAUTH_TOKEN_ENDPOINT",
                server.url("/oauth/token").toString())).get(ProviderId.OPENAI);
        HttpSettings settings = HttpSettings.defaults();
        OkHttpTokenEndpoint endpoint = new OkHttpTokenEndpoint(OkHttpClients.create(settings),
                settings, Clock.systemUTC(), d -> { });
        Instant now = Instant.now();
        AuthorizationSession session = new AuthorizationSession(ProviderId.OPENAI,
                State.of("STATEVALUE-0123456789-0123456789"), PkceParams.fromVerifier(VERIFIER),
                config.redirectUri(), now, now.plusSeconds(60));
        server.enqueue(new MockResponse.Builder().code(200).body("{\"access_token\":\"ACCESSVALUE-1\","
                + "\"refresh_token\":\"REFRESHVALUE-1\"}").build());
        server.enqueue(new MockResponse.Builder().code(400).body("{\"error\":\"invalid_grant\","
                + "\"error_description\":\"bad REFRESHVALUE-0\"}").build());

        endpoint.exchangeAuthorizationCode(config, session, AuthorizationCode.of("CODEVALUE-1"));
        assertThrows(ReloginRequiredException.class, () -> endpoint.refresh(config, Secret.of("REFRESHVALUE-0")));

        String log = Files.readString(Path.of("target", "http-debug.log"), StandardCharsets.UTF_8);
        assertTrue(log.contains("POST http://") && log.contains("/oauth/token -> HTTP 200"), log);
        assertTrue(log.contains("-> HTTP 400"), log);
        for (String secret : List.of("CODEVALUE", "VERIFIER", "STATEVALUE", "ACCESSVALUE", "REFRESHVALUE")) {
            assertFalse(log.contains(secret), "the debug log shows " + secret + ": " + log);
        }
    }
}
