package ai.maestro.auth.app.cli;

import ai.maestro.auth.app.wiring.MaestroAuthConfig;
import ai.maestro.auth.app.wiring.TrainingStore;
import ai.maestro.auth.domain.token.TokenResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run of the launcher's start-up archive (class-data sharing, or the AOT cache of a
 * JDK that has one): the everyday commands ({@code status}, {@code token}, {@code config},
 * {@code --version}) against a throw-away store holding one sign-in, so that the archive holds
 * the classes those commands load (H2, the cipher, Jackson, Guice, picocli), whichever command
 * the user happens to run first. Touches nothing of the user's and prints nothing.
 */
public final class StartupTraining {
    private StartupTraining() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty(Main.LOG_LEVEL, "warn");
        Path home = Files.createTempDirectory("maestro-auth-training");
        try {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Map<String, String> env = Map.of("MAESTRO_AUTH_HOME", home.resolve("data").toString(),
                    "MAESTRO_AUTH_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(key));
            TrainingStore.seed(MaestroAuthConfig.fromEnvironment(env), new TokenResponse(Map.of("access_token", jwt(),
                    "refresh_token", "training-refresh", "id_token", jwt(), "expires_in", 86_400, "token_type",
                    "Bearer")).validate(Instant.now()));
            for (String[] command : new String[][] {{"status"}, {"status", "--json"}, {"token", "openai"},
                    {"config"}, {"--version"}, {"tokn"}}) {
                Cli.run(quiet(env), command);
            }
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
        System.exit(0);
    }

    /** A context that reads nothing and prints nothing, as a fresh process of its own would be. */
    private static CliContext quiet(Map<String, String> env) {
        return CliContext.standard(MaestroAuthConfig.fromEnvironment(env), new BufferedReader(new StringReader("")),
                new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()), false);
    }

    private static String jwt() {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(("{\"exp\":" + (Instant.now().getEpochSecond() + 86_400)
                + ",\"email\":\"training@example.com\"}").getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }
}
