package ai.maestro.auth.adapter.outbound.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.PkceParams;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.State;
import ai.maestro.auth.domain.token.TokenResponse;
import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.domain.error.AuthException;
import ai.maestro.auth.domain.error.InvalidTokenResponseException;
import ai.maestro.auth.domain.error.InvalidTokenResponseException.Defect;
import ai.maestro.auth.domain.error.OAuthErrorException;
import ai.maestro.auth.domain.error.ProviderUnavailableException;
import java.io.IOException;
import ai.maestro.auth.domain.error.ReloginRequiredException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

class OkHttpTokenEndpointTest {
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final String STATE = "state-0123456789-0123456789-0123456789-abc";
    private static final ObjectMapper JSON = new ObjectMapper();

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private HttpSettings settings = HttpSettings.defaults();

    private OkHttpTokenEndpoint endpoint() {
        return new OkHttpTokenEndpoint(OkHttpClients.create(settings), settings, Clock.systemUTC(),
                sleeps::add);
    }

    private ProviderConfig config(ProviderId provider) {
        return config(provider, server.url("/oauth/token").toString());
    }

    private static ProviderConfig config(ProviderId provider, String tokenEndpoint) {
        return ProviderConfigs.fromEnvironment(Map.of(provider.name() + "_OAUTH_TOKEN_ENDPOINT", tokenEndpoint))
                .get(provider);
    }

    private static AuthorizationSession session(ProviderConfig config) {
        Instant now = Instant.now();
        return new AuthorizationSession(config.provider(), State.of(STATE), PkceParams.fromVerifier(VERIFIER),
                config.redirectUri(), now, now.plusSeconds(300));
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body).build();
    }

    private static final String TOKENS = "{\"access_token\":\"at\",\"refresh_token\":\"rt\",\"expires_in\":3600,"
            + "\"token_type\":\"Bearer\"}";

    private TokenResponse exchange(ProviderId provider) {
        ProviderConfig config = config(provider);
        return endpoint().exchangeAuthorizationCode(config, session(config), AuthorizationCode.of("the-code"));
    }

    private TokenResponse refresh(ProviderId provider) {
        return endpoint().refresh(config(provider), Secret.of("rt-old"));
    }

    private Map<?, ?> jsonBody(RecordedRequest request) throws Exception {
        return JSON.readValue(request.getBody().utf8(), Map.class);
    }

    @Test
    void openAiCodeExchangeIsTheFormEncodedRequestOfDesign() throws Exception {
        server.enqueue(json(200, TOKENS));

        TokenResponse response = exchange(ProviderId.OPENAI);

        RecordedRequest request = server.takeRequest();
        assertEquals("POST /oauth/token HTTP/1.1", request.getRequestLine());
        assertEquals("application/x-www-form-urlencoded", request.getHeaders().get("Content-Type"));
        assertEquals("application/json", request.getHeaders().get("Accept"));
        assertTrue(request.getHeaders().get("User-Agent").startsWith("maestro-auth/0.1.0"));
        assertEquals("grant_type=authorization_code&code=the-code"
                + "&redirect_uri=http%3A%2F%2Flocalhost%3A1455%2Fauth%2Fcallback"
                + "&client_id=app_EMoamEEZ73f0CkXaXp7hrann&code_verifier=" + VERIFIER, request.getBody().utf8());
        assertEquals("at", response.fields().get("access_token"));
    }

    @Test
    void anthropicCodeExchangeIsJsonWithTheState() throws Exception {
        server.enqueue(json(200, TOKENS));

        exchange(ProviderId.ANTHROPIC);

        RecordedRequest request = server.takeRequest();
        assertEquals("POST /oauth/token HTTP/1.1", request.getRequestLine());
        assertEquals("application/json; charset=utf-8", request.getHeaders().get("Content-Type"));
        assertEquals(Map.of("grant_type", "authorization_code", "code", "the-code", "state", STATE,
                "client_id", "9d1c250a-e61b-44d9-88ed-5944d1962f5e",
                "redirect_uri", "https://platform.claude.com/oauth/code/callback", "code_verifier", VERIFIER),
                jsonBody(request));
    }

    @Test
    void openAiRefreshIsJsonWithTheNarrowedScope() throws Exception {
        server.enqueue(json(200, TOKENS));

        refresh(ProviderId.OPENAI);

        RecordedRequest request = server.takeRequest();
        assertEquals("POST /oauth/token HTTP/1.1", request.getRequestLine());
        assertTrue(request.getHeaders().get("Content-Type").startsWith("application/json"));
        assertEquals(Map.of("client_id", "app_EMoamEEZ73f0CkXaXp7hrann", "grant_type", "refresh_token",
                "refresh_token", "rt-old", "scope", "openid profile email"), jsonBody(request));
    }

    @Test
    void anthropicRefreshIsJsonWithoutScope() throws Exception {
        server.enqueue(json(200, TOKENS));

        refresh(ProviderId.ANTHROPIC);

        assertEquals(Map.of("client_id", "9d1c250a-e61b-44d9-88ed-5944d1962f5e", "grant_type", "refresh_token",
                "refresh_token", "rt-old"), jsonBody(server.takeRequest()));
    }

    @Test
    void apiKeyExchangeIsAnRfc8693FormRequest() throws Exception {
        server.enqueue(json(200, "{\"access_token\":\"sk-key\"}"));

        TokenResponse response = endpoint().exchangeIdTokenForApiKey(config(ProviderId.OPENAI), Secret.of("id.tok.en"));

        RecordedRequest request = server.takeRequest();
        assertEquals("application/x-www-form-urlencoded", request.getHeaders().get("Content-Type"));
        assertEquals("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange"
                + "&client_id=app_EMoamEEZ73f0CkXaXp7hrann&requested_token=openai-api-key&subject_token=id.tok.en"
                + "&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token", request.getBody().utf8());
        assertEquals("sk-key", response.fields().get("access_token"));
    }

    @Test
    void rfc6749ErrorBodyBecomesATypedError() {
        server.enqueue(json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Code expired\"}"));

        ReloginRequiredException error = assertThrows(ReloginRequiredException.class, () -> exchange(ProviderId.OPENAI));

        assertEquals("invalid_grant", error.error().orElseThrow().code());
        assertEquals("Code expired", error.error().orElseThrow().description());
        assertEquals(400, error.error().orElseThrow().httpStatus());
    }

    @Test
    void openAisNestedErrorBodyBecomesATypedErrorAndIsNotRetried() {
        server.enqueue(json(401, "{\"error\":{\"message\":\"Your refresh token has already been used (rt-old)\","
                + "\"type\":\"invalid_request_error\",\"code\":\"refresh_token_reused\"}}"));

        ReloginRequiredException error = assertThrows(ReloginRequiredException.class, () -> refresh(ProviderId.OPENAI));

        assertEquals("refresh_token_reused", error.error().orElseThrow().code());
        assertFalse(error.getMessage().contains("rt-old"), "echoed secret must be redacted: " + error.getMessage());
        assertTrue(error.getMessage().contains("maestro-auth login openai"));
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void otherPermanentErrorsAskToFixTheConfiguration() {
        server.enqueue(json(400, "{\"error\":\"invalid_scope\"}"));
        assertInstanceOf(OAuthErrorException.class, assertThrows(AuthException.class, () -> refresh(ProviderId.OPENAI)));
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void htmlErrorPageIsATypedErrorThatNamesTheStatus() {
        server.enqueue(new MockResponse.Builder().code(404).setHeader("Content-Type", "text/html")
                .body("<html><body>Not Found</body></html>").build());

        OAuthErrorException error = assertThrows(OAuthErrorException.class, () -> exchange(ProviderId.ANTHROPIC));

        assertEquals("http_error", error.error().code());
        assertTrue(error.getMessage().contains("HTTP 404"), error.getMessage());
        assertTrue(error.getMessage().contains("non-JSON"), error.getMessage());
    }

    @Test
    void successWithAnUnusableBodyIsATypedDefect() {
        server.enqueue(new MockResponse.Builder().code(200).body("<html>captive portal</html>").build());
        server.enqueue(new MockResponse.Builder().code(200).body("").build());
        server.enqueue(json(200, "[1,2]"));

        assertEquals(Defect.NOT_A_JSON_OBJECT, assertThrows(InvalidTokenResponseException.class,
                () -> exchange(ProviderId.OPENAI)).defect());
        assertEquals(Defect.EMPTY, assertThrows(InvalidTokenResponseException.class,
                () -> exchange(ProviderId.OPENAI)).defect());
        assertEquals(Defect.NOT_A_JSON_OBJECT, assertThrows(InvalidTokenResponseException.class,
                () -> exchange(ProviderId.OPENAI)).defect());
    }

    @Test
    void aServerThatNeverAnswersCostsTheDeadlineNotEveryAttemptsTimeout() throws Exception {
        // Accepts connections and reads nothing back: the token endpoint that made `token` take 124 s.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = new Thread(() -> {
                List<java.net.Socket> held = new java.util.ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    held.forEach(socket -> {
                        try {
                            socket.close();
                        } catch (IOException ignored) {
                            // Closing.
                        }
                    });
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            settings = HttpSettings.defaults().withDeadline(Duration.ofSeconds(1));
            ProviderConfig config = config(ProviderId.OPENAI, "http://127.0.0.1:" + silent.getLocalPort() + "/oauth/token");

            long started = System.nanoTime();
            ProviderUnavailableException error = assertThrows(ProviderUnavailableException.class,
                    () -> endpoint().refresh(config, Secret.of("rt-old")));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
            assertTrue(error.getMessage().contains("within 1 s") && error.getMessage().contains(
                    "MAESTRO_AUTH_HTTP_DEADLINE_SECONDS"), error.getMessage());
        }
    }

    @Test
    void aServerThatDripsItsAnswerCostsTheDeadline() {
        for (int i = 0; i < 4; i++) {
            server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                    .body(TOKENS).throttleBody(1, 400, java.util.concurrent.TimeUnit.MILLISECONDS).build());
        }
        settings = HttpSettings.defaults().withDeadline(Duration.ofSeconds(2));

        long started = System.nanoTime();
        ProviderUnavailableException error = assertThrows(ProviderUnavailableException.class,
                () -> refresh(ProviderId.OPENAI));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertTrue(took.compareTo(Duration.ofSeconds(6)) < 0, "took " + took);
        assertTrue(error.getMessage().contains("within 2 s"), error.getMessage());
    }

    @Test
    void stopsReadingABodyOverOneMebibyte() {
        String huge = "{\"access_token\":\"" + "a".repeat(1024 * 1024) + "\"}";
        server.enqueue(json(200, huge));
        server.enqueue(json(500, huge));
        settings = new HttpSettings(settings.connectTimeout(), settings.readTimeout(), settings.callTimeout(), 1,
                settings.initialBackoff(), settings.maxBackoff(), settings.maxRetryAfter(), settings.deadline(),
                settings.userAgent());

        assertEquals(Defect.TOO_LARGE, assertThrows(InvalidTokenResponseException.class,
                () -> exchange(ProviderId.OPENAI)).defect());
        ProviderUnavailableException error = assertThrows(ProviderUnavailableException.class,
                () -> refresh(ProviderId.OPENAI));
        assertTrue(error.getMessage().contains("over 1 MiB"), error.getMessage());
    }

    @Test
    void aRedirectIsNeverFollowed() {
        server.enqueue(new MockResponse.Builder().code(302).setHeader("Location", server.url("/elsewhere")).build());

        OAuthErrorException error = assertThrows(OAuthErrorException.class, () -> exchange(ProviderId.OPENAI));

        assertEquals("unexpected_redirect", error.error().code());
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void aTruncatedBodyIsAnUnavailableProviderAndTheCodeIsNotResent() {
        server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .body(TOKENS).onResponseBody(SocketEffect.ShutdownConnection.INSTANCE).build());

        ProviderUnavailableException error = assertThrows(ProviderUnavailableException.class,
                () -> exchange(ProviderId.OPENAI));

        assertTrue(error.getMessage().contains("not resent"), error.getMessage());
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void aConnectionResetIsAnUnavailableProvider() {
        server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());

        ProviderUnavailableException error = assertThrows(ProviderUnavailableException.class,
                () -> exchange(ProviderId.OPENAI));

        assertTrue(error.getMessage().contains("single-use"), error.getMessage());
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void aSlowServerTimesOut() {
        settings = settings.withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(5));
        server.enqueue(new MockResponse.Builder().code(200).body(TOKENS)
                .headersDelay(2, java.util.concurrent.TimeUnit.SECONDS).build());

        ProviderUnavailableException error = assertThrows(ProviderUnavailableException.class,
                () -> exchange(ProviderId.OPENAI));

        assertTrue(error.getMessage().contains("timed out"), error.getMessage());
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void theCodeExchangeIsSentOnceEvenWhenTheServerAnswers503() {
        server.enqueue(json(503, "{\"error\":\"temporarily_unavailable\"}"));
        server.enqueue(json(200, TOKENS));

        assertThrows(ProviderUnavailableException.class, () -> exchange(ProviderId.OPENAI));

        assertEquals(1, server.getRequestCount());
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void theCodeExchangeIsRetriedWhenTheServerCouldNotBeReached() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ProviderConfig config = config(ProviderId.OPENAI, "http://127.0.0.1:" + closedPort + "/oauth/token");

        ProviderUnavailableException error = assertThrows(ProviderUnavailableException.class, () -> endpoint()
                .exchangeAuthorizationCode(config, session(config), AuthorizationCode.of("c")));

        assertTrue(error.getMessage().contains("could not connect"), error.getMessage());
        assertEquals(settings.maxAttempts() - 1, sleeps.size());
    }

    @Test
    void refreshRetriesServerErrorsWithGrowingBackoffThenSucceeds() {
        server.enqueue(json(503, ""));
        server.enqueue(new MockResponse.Builder().code(502).body("<html>bad gateway</html>").build());
        server.enqueue(json(200, TOKENS));

        TokenResponse response = refresh(ProviderId.OPENAI);

        assertEquals("at", response.fields().get("access_token"));
        assertEquals(3, server.getRequestCount());
        assertEquals(2, sleeps.size());
        assertTrue(sleeps.get(0).toMillis() >= 250 && sleeps.get(0).toMillis() <= 500, sleeps.toString());
        assertTrue(sleeps.get(1).toMillis() >= 500 && sleeps.get(1).toMillis() <= 1000, sleeps.toString());
    }

    @Test
    void refreshHonoursRetryAfterOn429() {
        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "2").body("").build());
        server.enqueue(json(200, TOKENS));

        refresh(ProviderId.OPENAI);

        assertEquals(List.of(Duration.ofSeconds(2)), sleeps);
        assertEquals(2, server.getRequestCount());
    }

    @Test
    void refreshGivesUpAtOnceWhenRetryAfterIsTooLong() {
        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "3600").body("").build());

        assertThrows(ProviderUnavailableException.class, () -> refresh(ProviderId.OPENAI));

        assertEquals(1, server.getRequestCount());
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void refreshStopsAfterTheBoundedNumberOfAttempts() {
        for (int i = 0; i < 10; i++) {
            server.enqueue(json(500, "{\"error\":\"server_error\"}"));
        }

        assertThrows(ProviderUnavailableException.class, () -> refresh(ProviderId.OPENAI));

        assertEquals(settings.maxAttempts(), server.getRequestCount());
        assertEquals(settings.maxAttempts() - 1, sleeps.size());
    }

    @Test
    void refreshRetriesAConnectionResetOnce() {
        server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
        server.enqueue(json(200, TOKENS));

        refresh(ProviderId.OPENAI);

        assertEquals(1, sleeps.size());
    }

    @Test
    void parsesRetryAfterAsSecondsOrHttpDate() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        assertEquals(Duration.ofSeconds(7), RetryPolicy.parseRetryAfter("7", now).orElseThrow());
        assertEquals(Duration.ofSeconds(30),
                RetryPolicy.parseRetryAfter("Wed, 25 Nov 2026 12:00:30 GMT", now).orElseThrow());
        assertTrue(RetryPolicy.parseRetryAfter("soon", now).isEmpty());
    }
}
