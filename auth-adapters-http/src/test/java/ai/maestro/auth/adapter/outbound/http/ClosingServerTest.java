package ai.maestro.auth.adapter.outbound.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.DeviceAuthorization;
import ai.maestro.auth.domain.DevicePoll;
import ai.maestro.auth.domain.PkceParams;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.State;
import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.config.ProviderConfigs;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * A server that closes its connection after every answer without saying so (an HTTP/1.0 server, a
 * proxy, a keep-alive that timed out): every call still works, and a single-use grant is never
 * sent on the connection the server has closed, so the question of resending it never comes up.
 */
class ClosingServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private final HttpSettings settings = HttpSettings.defaults();
    private final OkHttpTokenEndpoint endpoint = new OkHttpTokenEndpoint(OkHttpClients.create(settings),
            settings, Clock.systemUTC());

    /** An answer after which the server drops the connection, with no "Connection: close". */
    private static MockResponse closing(int code, String body) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body)
                .onResponseEnd(new SocketEffect.CloseSocket(true, false, false)).build();
    }

    private ProviderConfig config() {
        String issuer = server.url("/").toString().replaceAll("/$", "");
        return ProviderConfigs.fromEnvironment(Map.of("OPENAI_OAUTH_ISSUER", issuer)).get(ProviderId.OPENAI);
    }

    private static final String TOKENS = "{\"access_token\":\"at\",\"refresh_token\":\"rt\",\"expires_in\":3600}";

    @Test
    void aDeviceLoginWithPendingPollsEndsWithItsCodeExchangedOnce() throws Exception {
        ProviderConfig config = config();
        String verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        server.enqueue(closing(200, "{\"device_auth_id\":\"dev-1\",\"user_code\":\"ABCD-1234\",\"interval\":\"1\"}"));
        server.enqueue(closing(403, "{\"error\":\"authorization_pending\"}"));
        server.enqueue(closing(404, "{\"error\":\"authorization_pending\"}"));
        server.enqueue(closing(200, "{\"authorization_code\":\"the-code\",\"code_challenge\":\""
                + PkceParams.s256(verifier) + "\",\"code_verifier\":\"" + verifier + "\"}"));
        server.enqueue(closing(200, TOKENS));

        DeviceAuthorization device = endpoint.startDeviceAuthorization(config);
        assertInstanceOf(DevicePoll.Pending.class, endpoint.pollDeviceAuthorization(config, device));
        assertInstanceOf(DevicePoll.Pending.class, endpoint.pollDeviceAuthorization(config, device));
        DevicePoll.CodeIssued issued = assertInstanceOf(DevicePoll.CodeIssued.class,
                endpoint.pollDeviceAuthorization(config, device));
        Instant now = Instant.now();
        AuthorizationSession session = new AuthorizationSession(ProviderId.OPENAI, State.of("s".repeat(43)),
                PkceParams.fromVerifier(verifier), config.deviceEndpoints().orElseThrow().redirectUri(), now,
                now.plusSeconds(300));

        assertEquals("at", endpoint.exchangeAuthorizationCode(config, session, issued.code()).fields()
                .get("access_token"));
        assertEquals(5, server.getRequestCount(), "the code was sent once");
    }

    @Test
    void singleUseGrantsOneAfterAnotherEachGoOutOnceOnAConnectionTheServerHasNotClosed() throws Exception {
        ProviderConfig config = config();
        for (int i = 0; i < 4; i++) {
            server.enqueue(closing(200, TOKENS.replace("\"rt\"", "\"rt-" + i + "\"")));
        }
        Instant now = Instant.now();
        AuthorizationSession session = new AuthorizationSession(ProviderId.OPENAI, State.of("s".repeat(43)),
                PkceParams.fromVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), config.redirectUri(), now,
                now.plusSeconds(300));

        endpoint.exchangeAuthorizationCode(config, session, AuthorizationCode.of("the-code"));
        for (int i = 0; i < 3; i++) {
            // No pause: the server's close may not even have reached this side yet.
            endpoint.refresh(config, Secret.of("rt-" + i));
        }

        assertEquals(4, server.getRequestCount(), "each grant sent once");
    }

    @Test
    void theRefreshTokenAReplacingLoginReplacedIsRevoked() throws Exception {
        ProviderConfig config = config();
        server.enqueue(closing(200, TOKENS));
        server.enqueue(closing(200, "{}"));
        server.enqueue(closing(200, "{}"));
        Instant now = Instant.now();
        AuthorizationSession session = new AuthorizationSession(ProviderId.OPENAI, State.of("s".repeat(43)),
                PkceParams.fromVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), config.redirectUri(), now,
                now.plusSeconds(300));

        endpoint.exchangeAuthorizationCode(config, session, AuthorizationCode.of("the-code"));
        endpoint.revoke(config, Secret.of("rt-replaced"));
        endpoint.revoke(config, Secret.of("rt-replaced-too"));

        assertEquals(3, server.getRequestCount(), "each request once");
    }
}
