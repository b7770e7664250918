package ai.maestro.auth.e2e;

import ai.maestro.auth.app.wiring.MaestroAuthConfig;
import ai.maestro.auth.app.wiring.MaestroAuthModule;
import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.testing.Storm;
import com.google.inject.Guice;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One process of the cross-process refresh storm: wires maestro-auth as the orchestrator would,
 * waits for the start signal, then asks for the access token from many threads at once. Prints
 * a fingerprint of every distinct token it was handed and the number of failed calls.
 */
public final class StormProcess {
    private StormProcess() {
    }

    public static void main(String[] args) {
        try {
            run(args);
            System.exit(0);
        } catch (Throwable e) {
            System.out.println("CRASH " + e);
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        Properties properties = new Properties();
        try (FileInputStream in = new FileInputStream(args[0])) {
            properties.load(in);
        }
        Map<String, String> env = new HashMap<>();
        properties.forEach((k, v) -> env.put((String) k, (String) v));
        int threads = Integer.parseInt(args[1]);
        int calls = Integer.parseInt(args[2]);
        Path ready = Path.of(args[3]);
        Path go = Path.of(args[4]);

        AccessTokenService tokens = Guice.createInjector(new MaestroAuthModule(MaestroAuthConfig.fromEnvironment(env)))
                .getInstance(AccessTokenService.class);
        Files.createFile(ready);
        while (!Files.exists(go)) {
            Thread.sleep(5);
        }
        AtomicInteger failures = new AtomicInteger();
        Set<String> seen = Storm.run(threads, calls, () -> {
            try {
                return fingerprint(tokens.validAccessToken(ProviderId.OPENAI).reveal());
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                System.out.println("FAILURE " + e.getClass().getSimpleName() + ": " + e.getMessage());
                return "failed";
            }
        });
        seen.remove("failed");
        seen.forEach(token -> System.out.println("TOKEN " + token));
        System.out.println("FAILURES " + failures.get());
    }

    static String fingerprint(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)), 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
