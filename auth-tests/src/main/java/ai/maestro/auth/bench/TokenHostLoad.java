package ai.maestro.auth.bench;

import ai.maestro.auth.adapter.inbound.host.HostAnswers;
import ai.maestro.auth.adapter.inbound.host.TokenHost;
import ai.maestro.auth.adapter.inbound.host.TokenHosts;
import ai.maestro.auth.app.wiring.MaestroAuthConfig;
import ai.maestro.auth.app.wiring.MaestroAuthModule;
import ai.maestro.auth.domain.ProviderId;
import com.google.inject.Guice;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The token host under 32 keep-alive clients of another process ({@code wrk}, which must be installed:
 * {@code apt-get install wrk}), as children would load it; {@link TokenHostBenchmark}'s clients share
 * the JVM and its cores with the host. A 5 s warm-up run first (a cold JIT), then the measured run:
 * {@code mvn -B -q -pl auth-tests exec:exec -Dexec.executable=java
 * -Dexec.args="-cp %classpath ai.maestro.auth.bench.TokenHostLoad 10"}.
 */
public final class TokenHostLoad {
    private TokenHostLoad() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Map<String, String> environment = BenchStore.withOneSignIn("acct-load");
        var injector = Guice.createInjector(new MaestroAuthModule(MaestroAuthConfig.fromEnvironment(environment)));
        try (TokenHost host = injector.getInstance(TokenHosts.class).start(List.of(new HostAnswers.Grant(
                ProviderId.OPENAI, Optional.empty())))) {
            // The secret reaches wrk through its environment, as a child's does.
            String wrk = "wrk -t2 -c32 -d%ds --latency -H \"Authorization: Bearer $MAESTRO_AUTH_SECRET\""
                    + " \"$MAESTRO_AUTH_URL/v1/token/openai?format=text\"";
            run(host, String.format(wrk, 5) + " >/dev/null");
            run(host, String.format(wrk, seconds));
        }
    }

    private static void run(TokenHost host, String command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).inheritIO();
        builder.environment().putAll(host.environment());
        if (builder.start().waitFor() != 0) {
            throw new IllegalStateException("wrk failed (is it installed?)");
        }
    }
}
