package ai.maestro.auth.bench;

import ai.maestro.auth.app.wiring.TrainingStore;
import ai.maestro.auth.app.wiring.MaestroAuthConfig;
import ai.maestro.auth.app.wiring.MaestroAuthModule;
import ai.maestro.auth.application.port.inbound.SignInCommand;
import ai.maestro.auth.application.port.inbound.SignInScreen;
import ai.maestro.auth.application.port.inbound.SignInUseCase;
import ai.maestro.auth.application.port.inbound.SignedIn;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.adapter.outbound.persistence.EncryptionKeys;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole browser sign-in in one process, as an embedder runs it: the use case builds the address,
 * opens the loopback listener and waits; a browser (OkHttp on loopback) comes back with the code;
 * the code is exchanged at a local token endpoint (the JDK server with TCP_NODELAY), the tokens are
 * stored in the embedded store, the page says so and the listener closes. From the call to its
 * return: the login ends when the page is delivered, with no fixed wait on closing the listener.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class SignInBenchmark {
    private static final Pattern STATE = Pattern.compile("[?&]state=([^&]+)");
    private TrainingStore.LoopbackEndpoint tokenEndpoint;
    private SignInUseCase signIn;
    private OkHttpClient browser;
    private URI redirect;

    @Setup(Level.Trial)
    public void start() throws IOException {
        byte[] answer = new ObjectMapper().writeValueAsBytes(Map.of("access_token", BenchTokens.realistic(
                Instant.now()).accessToken().reveal(), "refresh_token", "rt-bench-0123456789", "id_token", idToken(),
                "expires_in", 3600, "token_type", "Bearer"));
        tokenEndpoint = TrainingStore.tokenEndpoint(() -> answer);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        redirect = URI.create("http://localhost:" + port + "/auth/callback");
        Map<String, String> env = new HashMap<>();
        env.put("MAESTRO_AUTH_HOME", Files.createTempDirectory("maestro-auth-bench").toString());
        env.put("MAESTRO_AUTH_ENCRYPTION_KEY", EncryptionKeys.generate(new SecureRandom()));
        env.put("OPENAI_OAUTH_TOKEN_ENDPOINT", tokenEndpoint.url());
        env.put("OPENAI_OAUTH_REDIRECT_URI", redirect.toString());
        signIn = Guice.createInjector(new MaestroAuthModule(MaestroAuthConfig.fromEnvironment(env)))
                .getInstance(SignInUseCase.class);
        browser = new OkHttpClient.Builder().followRedirects(false).build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        tokenEndpoint.close();
    }

    @Benchmark
    public SignedIn browserSignIn() {
        Browser user = new Browser();
        SignedIn signedIn = signIn.signIn(new SignInCommand(ProviderId.OPENAI, Optional.empty(), false,
                Duration.ofSeconds(30)), user);
        user.visit.join(); // until the browser has the page that says so
        return signedIn;
    }

    /** The user's browser: opens the address and comes back to the listener with a code. */
    private final class Browser implements SignInScreen {
        private CompletableFuture<Void> visit = CompletableFuture.completedFuture(null);

        @Override
        public void cancelledEarlierLogin(int port) {
        }

        @Override
        public void showAddress(URI address, Flow flow) {
            Matcher state = STATE.matcher(address.getRawQuery() == null ? "" : "?" + address.getRawQuery());
            if (!state.find()) {
                throw new IllegalStateException("no state in the authorization address");
            }
            String callback = redirect + "?code=bench-code&state=" + state.group(1);
            // The provider's sign-in is not part of this: the browser goes straight back with a code.
            visit = CompletableFuture.runAsync(() -> {
                try (Response page = browser.newCall(new Request.Builder().url(callback).build()).execute()) {
                    if (page.code() != 200) {
                        throw new IllegalStateException("the callback page answered " + page.code());
                    }
                    page.body().bytes();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }

        @Override
        public void showDeviceCode(URI verificationUri, String userCode) {
            throw new IllegalStateException("not a device login");
        }

        @Override
        public Shown waitFor(Waiting waiting) {
            return () -> { };
        }
    }

    private static String idToken() {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(("{\"email\":\"bench@example.com\",\"exp\":" + (Instant.now().getEpochSecond()
                + 86_400) + ",\"https://api.openai.com/auth\":{\"chatgpt_account_id\":\"acct-bench\"}}")
                .getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }
}
