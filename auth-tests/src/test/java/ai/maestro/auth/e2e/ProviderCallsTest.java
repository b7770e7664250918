package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.adapter.outbound.http.ProviderInterceptors;
import ai.maestro.auth.application.service.OAuthService;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.error.ReloginRequiredException;
import com.google.inject.Injector;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An embedder's OkHttp client with maestro-auth's interceptor, against a provider API on loopback
 * (MockWebServer) and the fake authorization server, with tokens in the real embedded store.
 */
class ProviderCallsTest extends OnAUsersMachine {
    private final MockWebServer api = new MockWebServer();
    /** What the API answers, given the request; 200 by default. */
    private volatile Function<RecordedRequest, MockResponse> answer = request -> ok();
    private final List<RecordedRequest> seen = new CopyOnWriteArrayList<>();
    private final OkHttpClient embedder = new OkHttpClient();

    @BeforeEach
    void providerApi() throws IOException {
        api.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                seen.add(request);
                return answer.apply(request);
            }
        });
        api.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
        machine.env.put("OPENAI_CHATGPT_BASE_URL", api.url("/backend-api/codex").toString());
        machine.env.put("OPENAI_USAGE_URL", api.url("/backend-api/wham/usage").toString());
        machine.env.put("OPENAI_API_BASE_URL", api.url("/v1").toString());
        machine.env.put("ANTHROPIC_VERIFY_URL", api.url("/anthropic/v1/models").toString());
        machine.env.put("ANTHROPIC_OAUTH_AUTHORIZATION_ENDPOINT", machine.fake.authorizationEndpoint());
        machine.env.put("ANTHROPIC_OAUTH_TOKEN_ENDPOINT", machine.fake.tokenEndpoint());
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    private static MockResponse ok() {
        return new MockResponse.Builder().code(200).body("{}").build();
    }

    private static MockResponse status(int code) {
        return new MockResponse.Builder().code(code).body("{}").build();
    }

    private OkHttpClient client(Injector injector, ProviderId provider) {
        return embedder.newBuilder().addInterceptor(injector.getInstance(ProviderInterceptors.class)
                .interceptorFor(provider)).build();
    }

    private Response get(OkHttpClient client, String path) throws IOException {
        return client.newCall(new Request.Builder().url(api.url(path)).build()).execute();
    }

    private static String bearer(RecordedRequest request) {
        return request.getHeaders().get("Authorization");
    }

    @Test
    void anOpenAiSignInSendsTheBearerTheAccountTheOriginatorAndAUserAgent() throws Exception {
        Injector injector = machine.injector();
        SharedStoreFixture.login(injector);

        try (Response response = get(client(injector, ProviderId.OPENAI), "/backend-api/codex/responses")) {
            assertEquals(200, response.code());
        }

        RecordedRequest request = seen.get(0);
        assertEquals("Bearer " + machine.fake.lastAccessToken, bearer(request));
        assertEquals("acct-1", request.getHeaders().get("ChatGPT-Account-ID"));
        assertEquals("maestro_auth", request.getHeaders().get("originator"));
        assertTrue(request.getHeaders().get("User-Agent").startsWith("maestro-auth/"));
    }

    @Test
    void theCallersOwnAuthorizationIsKept() throws Exception {
        Injector injector = machine.injector();
        SharedStoreFixture.login(injector);

        client(injector, ProviderId.OPENAI).newCall(new Request.Builder().url(api.url("/v1/models"))
                .header("Authorization", "Bearer callers-own").build()).execute().close();

        assertEquals("Bearer callers-own", bearer(seen.get(0)));
        assertNull(seen.get(0).getHeaders().get("ChatGPT-Account-ID"));
    }

    @Test
    void anOpenAiApiKeyIsSentAsTheBearerAndNothingElse() throws Exception {
        Injector injector = machine.injector();
        SharedStoreFixture.login(injector);
        injector.getInstance(ai.maestro.auth.application.port.inbound.ObtainApiKeyUseCase.class).obtainApiKey(
                ai.maestro.auth.application.port.inbound.AccountChoice.defaultOf(ProviderId.OPENAI));
        OkHttpClient client = embedder.newBuilder().addInterceptor(injector.getInstance(ProviderInterceptors.class)
                .interceptorFor(ProviderId.OPENAI, AuthType.API_KEY)).build();

        get(client, "/v1/models").close();

        assertTrue(bearer(seen.get(0)).startsWith("Bearer sk-fake-"), "an API key");
        assertNull(seen.get(0).getHeaders().get("ChatGPT-Account-ID"));
        assertNull(seen.get(0).getHeaders().get("originator"));
    }

    @Test
    void anAnthropicSignInAddsTheOauthBetaToTheCallersAndDropsAnyApiKeyHeader() throws Exception {
        Injector injector = machine.injector();
        anthropicLogin(injector);

        client(injector, ProviderId.ANTHROPIC).newCall(new Request.Builder().url(api.url("/anthropic/v1/messages"))
                .header("anthropic-beta", "tools-2024-04-04").header("x-api-key", "sk-ant-callers").build())
                .execute().close();

        RecordedRequest request = seen.get(0);
        assertEquals("Bearer " + machine.fake.lastAccessToken, bearer(request));
        assertEquals("tools-2024-04-04,oauth-2025-04-20", request.getHeaders().get("anthropic-beta"));
        assertNull(request.getHeaders().get("x-api-key"));
    }

    @Test
    void a401RefreshesOnceAndRetriesWithTheNewToken() throws Exception {
        Injector injector = machine.injector();
        SharedStoreFixture.login(injector);
        String first = "Bearer " + machine.fake.lastAccessToken;
        answer = request -> first.equals(bearer(request)) ? status(401) : ok();

        try (Response response = get(client(injector, ProviderId.OPENAI), "/backend-api/codex/responses")) {
            assertEquals(200, response.code());
        }

        assertEquals(1, machine.fake.refreshGrants.get());
        assertEquals(2, seen.size());
        assertEquals("Bearer " + machine.fake.lastAccessToken, bearer(seen.get(1)));
    }

    @Test
    void a401AfterAnotherProcessRefreshedRetriesWithTheStoredTokenWithoutRefreshing() throws Exception {
        Injector injector = machine.injector();
        SharedStoreFixture.login(injector);
        OkHttpClient client = client(injector, ProviderId.OPENAI);
        get(client, "/warm-the-cache").close();
        String first = "Bearer " + machine.fake.lastAccessToken;
        try (CliProcess refresh = CliProcess.start(machine.env, "refresh", "openai")) {
            assertEquals(0, refresh.exitCode(60), refresh.all());
        }
        answer = request -> first.equals(bearer(request)) ? status(401) : ok();

        try (Response response = get(client, "/backend-api/codex/responses")) {
            assertEquals(200, response.code());
        }

        assertEquals(1, machine.fake.refreshGrants.get(), "only the other process refreshed");
        assertEquals("Bearer " + machine.fake.lastAccessToken, bearer(seen.get(seen.size() - 1)));
    }

    @Test
    void sixteenCallersRejectedTogetherMakeOneRefresh() throws Exception {
        Injector injector = machine.injector();
        SharedStoreFixture.login(injector);
        OkHttpClient client = client(injector, ProviderId.OPENAI);
        String first = "Bearer " + machine.fake.lastAccessToken;
        CountDownLatch allRejected = new CountDownLatch(16);
        answer = request -> {
            if (!first.equals(bearer(request))) {
                return ok();
            }
            allRejected.countDown();
            try {
                allRejected.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return status(401);
        };
        ExecutorService pool = Executors.newFixedThreadPool(16);
        Map<Integer, Integer> codes = new ConcurrentHashMap<>();
        try {
            List<Future<?>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                calls.add(pool.submit(() -> {
                    try (Response response = get(client, "/backend-api/codex/responses")) {
                        codes.put(n, response.code());
                    }
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals(16, codes.values().stream().filter(code -> code == 200).count());
        assertEquals(1, machine.fake.refreshGrants.get());
        assertEquals(0, machine.fake.reusedRefreshTokens.get());
    }

    @Test
    void aSecond401IsReturnedAsIs() throws Exception {
        Injector injector = machine.injector();
        SharedStoreFixture.login(injector);
        answer = request -> status(401);

        try (Response response = get(client(injector, ProviderId.OPENAI), "/backend-api/codex/responses")) {
            assertEquals(401, response.code());
        }

        assertEquals(1, machine.fake.refreshGrants.get());
        assertEquals(2, seen.size());
    }

    @Test
    void aOneShotBodyIsNotSentTwice() throws Exception {
        Injector injector = machine.injector();
        SharedStoreFixture.login(injector);
        answer = request -> status(401);
        RequestBody oneShot = new RequestBody() {
            @Override
            public MediaType contentType() {
                return MediaType.get("application/json");
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                sink.writeUtf8("{\"stream\":true}");
            }

            @Override
            public boolean isOneShot() {
                return true;
            }
        };

        try (Response response = client(injector, ProviderId.OPENAI).newCall(new Request.Builder()
                .url(api.url("/backend-api/codex/responses")).post(oneShot).build()).execute()) {
            assertEquals(401, response.code());
        }

        assertEquals(0, machine.fake.refreshGrants.get());
        assertEquals(1, seen.size());
    }

    @Test
    void forbiddenAndRateLimitedAreNotTokenProblems() throws Exception {
        Injector injector = machine.injector();
        SharedStoreFixture.login(injector);
        OkHttpClient client = client(injector, ProviderId.OPENAI);
        for (int code : new int[] {403, 429}) {
            answer = request -> status(code);
            try (Response response = get(client, "/backend-api/codex/responses")) {
                assertEquals(code, response.code());
            }
        }

        assertEquals(0, machine.fake.refreshGrants.get());
        assertEquals(2, seen.size());
    }

    @Test
    void aDeadGrantSurfacesAsReloginRequired() throws Exception {
        Injector injector = machine.injector();
        SharedStoreFixture.login(injector);
        machine.fake.revokeAllRefreshTokens();
        answer = request -> status(401);

        assertThrows(ReloginRequiredException.class,
                () -> get(client(injector, ProviderId.OPENAI), "/backend-api/codex/responses").close());
    }

    @Test
    void verifyProvesTheSignInWorks() throws Exception {
        SharedStoreFixture.login(machine.injector());

        try (CliProcess verify = CliProcess.start(machine.env, "verify", "openai")) {
            assertEquals(0, verify.exitCode(60), verify.all());
            assertTrue(verify.out().contains("HTTP 200") && verify.out().contains("authenticates requests"),
                    verify.all());
        }
        assertEquals("/backend-api/wham/usage", seen.get(0).getUrl().encodedPath());
    }

    @Test
    void serversThatCloseEveryConnectionAfterAnsweringStillServeVerifyUsageAndRefresh() throws Exception {
        SharedStoreFixture.login(machine.injector());
        machine.fake.closeEveryConnection = true;
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        // The first call is rejected (the interceptor refreshes and calls again on the same client, whose
        // pooled connection the server has closed); every answer closes its connection.
        answer = request -> (calls.getAndIncrement() == 0 ? status(401) : new MockResponse.Builder().code(200)
                .body("{\"plan_type\":\"plus\"}").build()).newBuilder()
                .onResponseEnd(new mockwebserver3.SocketEffect.CloseSocket(true, false, false)).build();

        try (CliProcess verify = CliProcess.start(machine.env, "verify", "openai")) {
            assertEquals(0, verify.exitCode(60), verify.all());
            assertTrue(verify.out().contains("HTTP 200"), verify.all());
        }
        try (CliProcess usage = CliProcess.start(machine.env, "usage", "openai")) {
            assertEquals(0, usage.exitCode(60), usage.all());
        }
        for (int i = 0; i < 2; i++) {
            try (CliProcess refresh = CliProcess.start(machine.env, "refresh", "openai")) {
                assertEquals(0, refresh.exitCode(60), refresh.all());
            }
        }
        assertEquals(3, machine.fake.refreshGrants.get(), "the 401's refresh and two more, each once");
        assertEquals(0, machine.fake.reusedRefreshTokens.get());
    }

    @Test
    void verifySaysWhatToDoWhenTheSignInIsRejected() throws Exception {
        SharedStoreFixture.login(machine.injector());
        answer = request -> status(401);

        try (CliProcess verify = CliProcess.start(machine.env, "verify", "openai")) {
            assertEquals(4, verify.exitCode(60), verify.all());
            assertTrue(verify.err().contains("Run: maestro-auth login openai"), verify.all());
            assertEquals(1, verify.err().strip().lines().count(), verify.all());
        }
        assertEquals(1, machine.fake.refreshGrants.get(), "one refresh before giving up");
    }

    @Test
    void verifyOfTheApiKeyListsTheModels() throws Exception {
        Injector injector = machine.injector();
        SharedStoreFixture.login(injector);
        injector.getInstance(ai.maestro.auth.application.port.inbound.ObtainApiKeyUseCase.class).obtainApiKey(
                ai.maestro.auth.application.port.inbound.AccountChoice.defaultOf(ProviderId.OPENAI));

        try (CliProcess verify = CliProcess.start(machine.env, "verify", "openai", "--api-key")) {
            assertEquals(0, verify.exitCode(60), verify.all());
        }
        assertEquals("/v1/models", seen.get(0).getUrl().encodedPath());
        assertTrue(bearer(seen.get(0)).startsWith("Bearer sk-fake-"));
    }

    @Test
    void usageShowsThePlanAndEachWindowAsABar() throws Exception {
        SharedStoreFixture.login(machine.injector());
        long reset = java.time.Instant.now().plus(java.time.Duration.ofMinutes(192)).getEpochSecond();
        answer = request -> new MockResponse.Builder().code(200).body("{\"plan_type\":\"pro\",\"rate_limit\":"
                + "{\"primary_window\":{\"used_percent\":12,\"limit_window_seconds\":18000,\"reset_at\":" + reset
                + "},\"secondary_window\":{\"used_percent\":55.5,\"limit_window_seconds\":604800,\"reset_at\":"
                + (reset + 86400) + "}},\"credits\":{\"balance\":\"12.50\"}}").build();

        try (CliProcess usage = CliProcess.start(machine.env, "usage", "openai")) {
            assertEquals(0, usage.exitCode(60), usage.all());
            String out = usage.out();
            System.out.println("usage screen:\n" + out);
            assertTrue(out.contains("Plan: pro"), out);
            assertTrue(out.contains("5 h window") && out.contains("[##") && out.contains(" 12% used"), out);
            assertTrue(out.contains("(in 3 h 1") || out.contains("(in 3 h 0") || out.contains("(in 3 h 12"), out);
            assertTrue(out.contains("7 days window") && out.contains(" 56% used"), out);
            assertTrue(out.contains("Credits: 12.50"), out);
        }
        assertEquals("acct-1", seen.get(0).getHeaders().get("ChatGPT-Account-ID"));
    }

    @Test
    void usageShowsWhatIsMissingOrUnknownAsUnknown() throws Exception {
        SharedStoreFixture.login(machine.injector());
        answer = request -> new MockResponse.Builder().code(200).body("{\"rate_limit\":{\"primary_window\":"
                + "{\"used_percent\":\"n/a\",\"reset_at\":99999999999999999999}},\"new_thing\":[1,2],"
                + "\"credits\":null}").build();

        try (CliProcess usage = CliProcess.start(machine.env, "usage", "openai")) {
            assertEquals(0, usage.exitCode(60), usage.all());
            assertTrue(usage.out().contains("Plan: unknown"), usage.all());
            assertTrue(usage.out().contains("unknown, reset unknown"), usage.all());
            assertTrue(usage.out().contains("Credits: unknown"), usage.all());
        }
        try (CliProcess usage = CliProcess.start(machine.env, "usage", "openai", "--json")) {
            assertEquals(0, usage.exitCode(60), usage.all());
            com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(usage.out());
            assertTrue(json.get("plan_type").isNull());
            assertEquals("primary", json.get("windows").get(0).get("name").asText());
            assertTrue(json.get("windows").get(0).get("used_percent").isNull());
        }
    }

    /** Anthropic's paste-back flow: the hosted page would show CODE#STATE, which the user pastes. */
    private void anthropicLogin(Injector injector) throws Exception {
        OAuthService logins = injector.getInstance(OAuthService.class);
        OAuthService.LoginAttempt attempt = logins.startLogin(ProviderId.ANTHROPIC);
        OkHttpClient browser = new OkHttpClient.Builder().followRedirects(false).build();
        String location;
        try (Response redirect = browser.newCall(new Request.Builder().url(attempt.request().uri().toString())
                .build()).execute()) {
            location = redirect.header("Location");
        }
        okhttp3.HttpUrl callback = okhttp3.HttpUrl.get(location);
        logins.completeLogin(attempt.session(), callback.queryParameter("code") + "#"
                + callback.queryParameter("state"), java.util.Optional.empty());
    }
}
