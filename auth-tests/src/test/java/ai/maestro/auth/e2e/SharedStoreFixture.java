package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.adapter.inbound.callback.LoopbackCallbackReceiver;
import ai.maestro.auth.app.wiring.MaestroAuthConfig;
import ai.maestro.auth.app.wiring.MaestroAuthModule;
import ai.maestro.auth.adapter.outbound.persistence.CredentialStore;
import ai.maestro.auth.application.service.OAuthService;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SavedAuthentication;
import com.google.inject.Guice;
import com.google.inject.Injector;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Assumptions;

/**
 * The environment of a user's machine for the shared-store tests: a fake authorization server with
 * reuse detection, a data directory, and (when asked) a private PostgreSQL schema. Logins go through
 * the real CLI in a child process, so the test's JVM never holds the store open.
 */
final class SharedStoreFixture implements AutoCloseable {
    /** The account the fake signs in as unless told otherwise (its id_token's chatgpt_account_id). */
    static final ai.maestro.auth.domain.CredentialKey FIRST_ACCOUNT =
            ai.maestro.auth.domain.CredentialKey.oauth(ProviderId.OPENAI, "acct-1");
    final FakeAuthorizationServer fake;
    final Map<String, String> env = new HashMap<>();
    final Path data;

    SharedStoreFixture(Path home) throws Exception {
        fake = new FakeAuthorizationServer();
        int callbackPort;
        int fallbackPort;
        try (ServerSocket socket = new ServerSocket(0); ServerSocket second = new ServerSocket(0)) {
            callbackPort = socket.getLocalPort();
            fallbackPort = second.getLocalPort();
        }
        data = home.resolve("data");
        env.put("MAESTRO_AUTH_HOME", data.toString());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        env.put("MAESTRO_AUTH_ENCRYPTION_KEY", "e2e:" + Base64.getEncoder().encodeToString(key));
        env.put("OPENAI_OAUTH_ISSUER", fake.issuer());
        env.put("OPENAI_OAUTH_AUTHORIZATION_ENDPOINT", fake.authorizationEndpoint());
        env.put("OPENAI_OAUTH_TOKEN_ENDPOINT", fake.tokenEndpoint());
        env.put("OPENAI_OAUTH_REDIRECT_URI", "http://localhost:" + callbackPort + "/auth/callback");
        // Never the real 1457: tests run next to each other.
        env.put("OPENAI_OAUTH_FALLBACK_REDIRECT_URI", "http://localhost:" + fallbackPort + "/auth/callback");
    }

    /** Moves the store to a new schema of the PostgreSQL server CI provides; skips the test without one. */
    SharedStoreFixture onPostgres() throws Exception {
        usePostgresSchema(env);
        return this;
    }

    /** Points {@code env} at a new schema of the PostgreSQL server CI provides; skips the test without one. */
    static void usePostgresSchema(Map<String, String> env) throws Exception {
        String url = System.getenv("MAESTRO_AUTH_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            // On the console too: surefire shows an assumption's reason only in its XML report.
            System.err.println("SKIPPED PostgreSQL test: set MAESTRO_AUTH_TEST_PG_URL (CI sets it)");
            Assumptions.abort("PostgreSQL test skipped: set MAESTRO_AUTH_TEST_PG_URL (CI sets it)");
        }
        String user = System.getenv().getOrDefault("MAESTRO_AUTH_TEST_PG_USER", "postgres");
        String schema = ai.maestro.auth.testing.PostgresSchemas.create(url, user, "maestro_e2e_");
        // Its own application name, so that a test cuts its own sessions and never another test's.
        env.put("MAESTRO_AUTH_DB_URL", url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema
                + "&ApplicationName=" + schema);
        env.put("MAESTRO_AUTH_DB_USER", user);
    }

    /**
     * pg_terminate_backend on every session of this fixture's schema, as a failover, a proxy restart
     * or an idle-connection reaper does; returns how many were cut.
     */
    int cutDatabaseSessions() {
        return sessions("SELECT COUNT(pg_terminate_backend(pid))");
    }

    /** How many sessions this fixture's schema has open (every process keeps one or two in its pool). */
    int databaseSessions() {
        return sessions("SELECT COUNT(*)");
    }

    /** Refresh leases taken, not released, and past their end by the database's clock. */
    int endedLeases() {
        try (Connection connection = DriverManager.getConnection(env.get("MAESTRO_AUTH_DB_URL"),
                env.get("MAESTRO_AUTH_DB_USER"), "");
             java.sql.ResultSet count = connection.createStatement().executeQuery("SELECT COUNT(*) FROM refresh_locks"
                     + " WHERE holder_id IS NOT NULL AND lease_until < clock_timestamp()")) {
            count.next();
            return count.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private int sessions(String select) {
        java.util.regex.Matcher name = java.util.regex.Pattern.compile("ApplicationName=(\\w+)")
                .matcher(env.get("MAESTRO_AUTH_DB_URL"));
        if (!name.find()) {
            throw new IllegalStateException("not on PostgreSQL");
        }
        try (Connection connection = DriverManager.getConnection(System.getenv("MAESTRO_AUTH_TEST_PG_URL"),
                System.getenv().getOrDefault("MAESTRO_AUTH_TEST_PG_USER", "postgres"), "");
             java.sql.PreparedStatement query = connection.prepareStatement(select + " FROM pg_stat_activity"
                     + " WHERE application_name = ?"
                     + " AND pid <> pg_backend_pid()")) {
            query.setString(1, name.group(1));
            try (java.sql.ResultSet count = query.executeQuery()) {
                count.next();
                return count.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The environments of {@code count} other machines sharing this one's store: each its own data
     * directory (its own journal and lock files), the same database, key and provider.
     */
    java.util.List<Map<String, String>> otherMachines(int count) {
        java.util.List<Map<String, String>> machines = new java.util.ArrayList<>();
        for (int i = 1; i <= count; i++) {
            Map<String, String> other = new HashMap<>(env);
            other.put("MAESTRO_AUTH_HOME", data.resolveSibling("machine-" + i).toString());
            // They share this host's name and address: named apart, as separate hosts are.
            other.put("MAESTRO_AUTH_MACHINE_NAME", "machine-" + i);
            machines.add(other);
        }
        return machines;
    }

    /** After {@link #onPostgres()}: reach the server through {@code proxy} instead. */
    SharedStoreFixture through(TcpProxy proxy) {
        env.put("MAESTRO_AUTH_DB_URL", env.get("MAESTRO_AUTH_DB_URL")
                .replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/"));
        return this;
    }

    /** The PostgreSQL server's host and port, from the URL CI provides. */
    static String[] postgresHostPort() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("//([^:/]+):?(\\d*)/")
                .matcher(System.getenv("MAESTRO_AUTH_TEST_PG_URL"));
        if (!m.find()) {
            throw new IllegalStateException("unexpected MAESTRO_AUTH_TEST_PG_URL");
        }
        return new String[] {m.group(1), m.group(2).isEmpty() ? "5432" : m.group(2)};
    }

    /** `maestro-auth login openai --no-browser` in a child process; the test plays the browser and pastes. */
    void cliLogin() throws Exception {
        cliLoginNow();
    }

    /** As {@link #cliLogin()}, signed in at the fake as {@code user}, with extra arguments (e.g. --account). */
    CliProcess cliLoginAs(FakeAuthorizationServer.User user, String... extra) throws Exception {
        fake.signInAs(user);
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("login", "openai", "--no-browser",
                "--timeout", "60"));
        args.addAll(java.util.List.of(extra));
        CliProcess login = CliProcess.start(env, args.toArray(String[]::new));
        try {
            paste(login);
        } catch (AssertionError endedBeforeAnAddress) {
            // A refused command line (e.g. a bad --account): the caller looks at its exit code.
        }
        login.exitCode(60);
        return login;
    }

    private void cliLoginNow() throws Exception {
        try (CliProcess login = CliProcess.start(env, "login", "openai", "--no-browser", "--timeout", "60")) {
            String url = login.authorizationUrl();
            OkHttpClient browser = new OkHttpClient.Builder().followRedirects(false).build();
            String location;
            try (Response redirect = browser.newCall(new Request.Builder().url(url).build()).execute()) {
                location = redirect.header("Location");
            }
            login.type(location);
            assertEquals(0, login.exitCode(60), login.all());
        }
    }

    /** Plays the browser for a waiting `login --no-browser` and pastes where it ended. */
    private static void paste(CliProcess login) throws Exception {
        String url = login.authorizationUrl();
        OkHttpClient browser = new OkHttpClient.Builder().followRedirects(false).build();
        try (Response redirect = browser.newCall(new Request.Builder().url(url).build()).execute()) {
            login.type(redirect.header("Location"));
        }
    }

    /** `maestro-auth ARGS...` to its end; its exit code, output and errors. */
    CliProcess run(String... args) throws Exception {
        CliProcess process = CliProcess.start(env, args);
        process.exitCode(60);
        return process;
    }

    /** maestro-auth as an embedding program wires it, in this JVM (which opens the store per operation). */
    Injector injector() {
        return Guice.createInjector(new MaestroAuthModule(MaestroAuthConfig.fromEnvironment(env)));
    }

    /** A login in this JVM: authorize at the fake, follow its redirect to a loopback receiver, exchange. */
    static SavedAuthentication login(Injector injector) throws Exception {
        OAuthService logins = injector.getInstance(OAuthService.class);
        OAuthService.LoginAttempt attempt = logins.startLogin(ProviderId.OPENAI);
        try (LoopbackCallbackReceiver receiver = LoopbackCallbackReceiver.start(attempt.session(), Clock.systemUTC(),
                Duration.ofSeconds(30))) {
            OkHttpClient browser = new OkHttpClient.Builder().followRedirects(true).build();
            // The page waits for the exchange's outcome, as a browser would.
            java.util.concurrent.CompletableFuture<String> page = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (Response response = browser.newCall(new Request.Builder().url(attempt.request().uri().toString())
                        .build()).execute()) {
                    assertEquals(200, response.code());
                    return response.body().string();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            SavedAuthentication saved = logins.completeLogin(attempt.session(), receiver.result().get(30,
                    java.util.concurrent.TimeUnit.SECONDS), java.util.Optional.empty());
            receiver.signedIn("");
            assertTrue(page.get(30, java.util.concurrent.TimeUnit.SECONDS).contains("Signed in to OpenAI"));
            return saved;
        }
    }

    /** The refresh token the store holds now, after any journaled rotation was applied. */
    String storedRefreshToken(Injector injector) {
        // An answer a killed process recorded but did not store goes in first, as the next refresh would put it.
        injector.getInstance(ai.maestro.auth.application.service.AccessTokenService.class).settle(FIRST_ACCOUNT);
        CredentialStore store = injector.getInstance(CredentialStore.class);
        return store.withRefreshLock(FIRST_ACCOUNT, Duration.ofSeconds(30), () -> ((OAuthToken) store
                .find(SharedStoreFixture.FIRST_ACCOUNT).orElseThrow().credential()).refreshToken().orElseThrow()
                .reveal());
    }

    @Override
    public void close() {
        fake.close();
    }
}
