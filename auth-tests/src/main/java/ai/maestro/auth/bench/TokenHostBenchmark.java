package ai.maestro.auth.bench;

import ai.maestro.auth.adapter.inbound.host.HostAnswers;
import ai.maestro.auth.adapter.inbound.host.TokenHost;
import ai.maestro.auth.adapter.inbound.host.TokenHosts;
import ai.maestro.auth.app.wiring.MaestroAuthConfig;
import ai.maestro.auth.app.wiring.MaestroAuthModule;
import ai.maestro.auth.domain.ProviderId;
import com.google.inject.Guice;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A child's cached token from the token host ({@code GET /v1/token/openai?format=text}, keep-alive,
 * 32 clients at once; goal: median at most 1 ms, p99 at most 5 ms) against the same token from the
 * CLI ({@code maestro-auth token openai}, a new JVM per token as a script pays it), in one run on one
 * store: a real H2 file with a token that stays valid.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class TokenHostBenchmark {
    private TokenHost host;
    private OkHttpClient client;
    private Request request;
    private Map<String, String> environment;

    @Setup(Level.Trial)
    public void start() throws IOException {
        environment = BenchStore.withOneSignIn("acct-bench");
        var injector = Guice.createInjector(new MaestroAuthModule(MaestroAuthConfig.fromEnvironment(environment)));
        host = injector.getInstance(TokenHosts.class).start(List.of(new HostAnswers.Grant(ProviderId.OPENAI,
                Optional.empty())));
        client = new OkHttpClient.Builder().connectionPool(new ConnectionPool(64, 5, TimeUnit.MINUTES)).build();
        client.dispatcher().setMaxRequestsPerHost(64);
        request = new Request.Builder().url(host.url() + "/v1/token/openai?format=text")
                .header("Authorization", "Bearer " + host.environment().get(TokenHost.SECRET_VARIABLE)).build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        host.close();
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    @Benchmark
    @Threads(32)
    public String hostToken32Clients() throws IOException {
        try (Response response = client.newCall(request).execute()) {
            if (response.code() != 200) {
                throw new IllegalStateException("HTTP " + response.code());
            }
            return response.body().string();
        }
    }

    /** What a script pays today: a JVM per token (the JDK's default class-data archive, no project archive). */
    @Benchmark
    @Threads(1)
    @Warmup(iterations = 1, time = 1)
    @Measurement(iterations = 2, time = 5)
    public int cliToken() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xlog:disable", "-cp", System.getProperty("java.class.path"),
                "ai.maestro.auth.app.cli.Main", "token", "openai");
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        int code = builder.start().waitFor();
        if (code != 0) {
            throw new IllegalStateException("token exited " + code);
        }
        return code;
    }
}
