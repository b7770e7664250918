package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.app.wiring.MaestroAuthConfig;
import ai.maestro.auth.app.wiring.MaestroAuthModule;
import ai.maestro.auth.adapter.outbound.persistence.CredentialStore;
import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.application.service.OAuthService;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.error.ProviderUnavailableException;
import ai.maestro.auth.domain.error.ReloginRequiredException;
import ai.maestro.auth.testing.Storm;
import com.google.inject.Guice;
import com.google.inject.Injector;
import java.io.FileOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Login, refresh storms and failure handling against the fake authorization server, on real H2 and PostgreSQL. */
class TokenLifecycleE2ETest {
    private FakeAuthorizationServer fake;
    private final Map<String, String> env = new HashMap<>();

    @TempDir
    Path home;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeAuthorizationServer();
        int callbackPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            callbackPort = socket.getLocalPort();
        }
        env.put("MAESTRO_AUTH_HOME", home.resolve("data").toString());
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        env.put("MAESTRO_AUTH_ENCRYPTION_KEY", "e2e:" + Base64.getEncoder().encodeToString(key));
        env.put("OPENAI_OAUTH_AUTHORIZATION_ENDPOINT", fake.authorizationEndpoint());
        env.put("OPENAI_OAUTH_TOKEN_ENDPOINT", fake.tokenEndpoint());
        env.put("OPENAI_OAUTH_REDIRECT_URI", "http://localhost:" + callbackPort + "/auth/callback");
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private Injector injector() {
        MaestroAuthConfig base = MaestroAuthConfig.fromEnvironment(env);
        // Quick retries, so the transient-failure tests do not wait for real backoff.
        MaestroAuthConfig config = base.with(base.http().withBackoff(Duration.ofMillis(10), Duration.ofMillis(50)),
                base.lifecycle().withoutBackgroundRefresh());
        return Guice.createInjector(new MaestroAuthModule(config));
    }

    /** The whole browser flow: authorize at the fake, follow its redirect to our loopback receiver, exchange. */
    private static SavedAuthentication login(Injector injector) throws Exception {
        return SharedStoreFixture.login(injector);
    }

    @Test
    void logsInThroughTheFakeServerAndTheLoopbackReceiver() throws Exception {
        Injector injector = injector();

        SavedAuthentication saved = login(injector);

        OAuthToken token = (OAuthToken) saved.credential();
        assertEquals("ada@example.com", token.idTokenClaims().orElseThrow().email());
        assertEquals(1, fake.authorizationCodeGrants.get());
        assertEquals(token.accessToken(),
                injector.getInstance(AccessTokenService.class).validAccessToken(ProviderId.OPENAI));
    }

    @Test
    void theFakeServerChecksPkceAndSpendsEachCodeOnce() throws Exception {
        Injector injector = injector();
        OAuthService logins = injector.getInstance(OAuthService.class);
        OAuthService.LoginAttempt attempt = logins.startLogin(ProviderId.OPENAI);
        OAuthService.LoginAttempt other = logins.startLogin(ProviderId.OPENAI);
        OkHttpClient browser = new OkHttpClient.Builder().followRedirects(false).build();
        String location;
        try (Response redirect = browser.newCall(new Request.Builder().url(attempt.request().uri().toString())
                .build()).execute()) {
            location = redirect.header("Location");
        }
        String code = location.replaceAll(".*[?&]code=([^&]+).*", "$1");

        // Another session's verifier does not match this code's challenge.
        assertThrows(ReloginRequiredException.class,
                () -> logins.completeLogin(other.session(), AuthorizationCode.of(code), java.util.Optional.empty()));
        assertEquals(1, fake.rejectedCodes.get());
        assertEquals(0, fake.authorizationCodeGrants.get());
    }

    @Test
    void aRefreshStormInOneProcessMakesExactlyOneRefreshGrant() throws Exception {
        fake.loginLifetime = Duration.ofSeconds(60);
        fake.refreshLatency = Duration.ofMillis(150);
        Injector injector = injector();
        login(injector);
        AccessTokenService tokens = injector.getInstance(AccessTokenService.class);

        Set<String> seen = Storm.run(8, 200, () -> tokens.validAccessToken(ProviderId.OPENAI).reveal());

        assertEquals(1, fake.refreshGrants.get());
        assertEquals(0, fake.reusedRefreshTokens.get());
        assertEquals(1, seen.size());
        OAuthToken stored = (OAuthToken) injector.getInstance(CredentialStore.class)
                .find(SharedStoreFixture.FIRST_ACCOUNT).orElseThrow().credential();
        assertEquals(seen.iterator().next(), stored.accessToken().reveal());
    }

    @Test
    void aCrossProcessStormOnSharedH2MakesExactlyOneRefreshGrant() throws Exception {
        crossProcessStorm();
    }

    @Test
    void aCrossProcessStormOnSharedPostgresMakesExactlyOneRefreshGrant() throws Exception {
        SharedStoreFixture.usePostgresSchema(env);
        crossProcessStorm();
    }

    private void crossProcessStorm() throws Exception {
        fake.loginLifetime = Duration.ofSeconds(60);
        fake.refreshLatency = Duration.ofMillis(300);
        Injector injector = injector();
        login(injector);
        Path envFile = home.resolve("storm.properties");
        Properties properties = new Properties();
        properties.putAll(env);
        try (FileOutputStream out = new FileOutputStream(envFile.toFile())) {
            properties.store(out, "storm");
        }
        Path go = home.resolve("go");
        List<Process> processes = new ArrayList<>();
        List<Path> ready = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Path marker = home.resolve("ready-" + i);
            ready.add(marker);
            processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    StormProcess.class.getName(), envFile.toString(), "8", "50", marker.toString(), go.toString())
                    .redirectErrorStream(true).start());
        }
        for (Path marker : ready) {
            for (int i = 0; i < 1200 && !Files.exists(marker); i++) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(marker), "a storm process did not start");
        }
        Files.createFile(go);

        Set<String> tokens = new HashSet<>();
        try {
            for (Process process : processes) {
                assertTrue(process.waitFor(180, TimeUnit.SECONDS), "a storm process hung");
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, process.exitValue(), output);
                assertTrue(output.contains("FAILURES 0"), output);
                output.lines().filter(l -> l.startsWith("TOKEN ")).forEach(tokens::add);
            }
        } finally {
            processes.forEach(Process::destroyForcibly);
        }

        assertEquals(1, fake.refreshGrants.get(), "refresh grants at the server");
        assertEquals(0, fake.reusedRefreshTokens.get(), "refresh_token_reused answers");
        assertEquals(1, tokens.size(), "every process ends with the same token: " + tokens);
        OAuthToken stored = (OAuthToken) injector.getInstance(CredentialStore.class)
                .find(SharedStoreFixture.FIRST_ACCOUNT).orElseThrow().credential();
        assertEquals("TOKEN " + StormProcess.fingerprint(stored.accessToken().reveal()), tokens.iterator().next());
    }

    @Test
    void aRevokedRefreshTokenMarksTheCredentialForReloginAndKeepsIt() throws Exception {
        fake.loginLifetime = Duration.ofSeconds(60);
        Injector injector = injector();
        SavedAuthentication login = login(injector);
        fake.revokeAllRefreshTokens();

        ReloginRequiredException error = assertThrows(ReloginRequiredException.class,
                () -> injector.getInstance(AccessTokenService.class).validAccessToken(ProviderId.OPENAI));

        assertEquals("refresh_token_reused", error.error().orElseThrow().code());
        SavedAuthentication kept = injector.getInstance(CredentialStore.class)
                .find(SharedStoreFixture.FIRST_ACCOUNT).orElseThrow();
        assertEquals(login.version() + 1, kept.version());
        assertEquals(((OAuthToken) login.credential()).accessToken(), ((OAuthToken) kept.credential()).accessToken());
        assertEquals(((OAuthToken) login.credential()).refreshToken(), ((OAuthToken) kept.credential()).refreshToken());
        assertTrue(kept.reloginRequired().isPresent());
        // A second caller does not even reach the server: the mark says it all.
        assertThrows(ReloginRequiredException.class,
                () -> injector.getInstance(AccessTokenService.class).validAccessToken(ProviderId.OPENAI));
        assertEquals(1, fake.reusedRefreshTokens.get());
    }

    @Test
    void aTransientFailureWhileTheTokenIsValidServesTheCurrentToken() throws Exception {
        fake.loginLifetime = Duration.ofMinutes(4);
        Injector injector = injector();
        OAuthToken login = (OAuthToken) login(injector).credential();
        fake.refreshFailureStatus = 503;

        assertEquals(login.accessToken(),
                injector.getInstance(AccessTokenService.class).validAccessToken(ProviderId.OPENAI));
        assertEquals(0, fake.refreshGrants.get());
    }

    @Test
    void aTransientFailureAfterExpiryIsATypedErrorAndLosesNothing() throws Exception {
        fake.loginLifetime = Duration.ofSeconds(1);
        Injector injector = injector();
        SavedAuthentication login = login(injector);
        Thread.sleep(1100);
        fake.refreshFailureStatus = 503;

        ProviderUnavailableException error = assertThrows(ProviderUnavailableException.class,
                () -> injector.getInstance(AccessTokenService.class).validAccessToken(ProviderId.OPENAI));

        assertInstanceOf(ProviderUnavailableException.class, error);
        SavedAuthentication kept = injector.getInstance(CredentialStore.class)
                .find(SharedStoreFixture.FIRST_ACCOUNT).orElseThrow();
        assertEquals(login.version(), kept.version());
        assertTrue(kept.reloginRequired().isEmpty());
    }
}
