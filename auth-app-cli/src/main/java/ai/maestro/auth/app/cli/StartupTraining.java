package ai.maestro.auth.app.cli;

import ai.maestro.auth.app.wiring.MaestroAuthConfig;
import ai.maestro.auth.app.wiring.ProcessSetup;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The training run of the launcher's start-up archive (class-data sharing, or the AOT cache of a
 * JDK that has one): the everyday commands ({@code status}, {@code token}, {@code config},
 * {@code --version}) against a throw-away store holding one sign-in, so that the archive holds
 * the classes those commands load (H2, the cipher, Jackson, Guice, picocli), whichever command
 * the user happens to run first; a refresh falling due (the HTTP client), and the classes of a
 * PostgreSQL store. Touches nothing of the user's and prints nothing.
 */
public final class StartupTraining {
    private StartupTraining() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty(Main.LOG_LEVEL, "warn");
        // What every command's start does before its command runs (this process exits right after).
        ProcessSetup.keepRefreshAnswers(Duration.ofSeconds(2));
        ProcessSetup.boundHttpServers();
        ProcessSetup.warmUpStore();
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
            refreshes(env);
            loadServerStoreClasses();
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
        System.exit(0);
    }

    /**
     * A refresh falls due once an hour: `token` with its token due and `refresh`, answered by a
     * token endpoint of this process's own on the loopback interface (HTTP client, JSON, the rotation).
     */
    private static void refreshes(Map<String, String> env) throws IOException {
        try (TrainingStore.LoopbackEndpoint endpoint = TrainingStore.tokenEndpoint(() -> ("{\"access_token\":\""
                + jwt() + "\",\"refresh_token\":\"training-refresh-" + System.nanoTime() + "\",\"id_token\":\""
                + jwt() + "\",\"expires_in\":86400,\"token_type\":\"Bearer\"}").getBytes(StandardCharsets.UTF_8))) {
            Map<String, String> due = new HashMap<>(env);
            due.put("OPENAI_OAUTH_TOKEN_ENDPOINT", endpoint.url());
            due.put("MAESTRO_AUTH_REFRESH_SKEW_SECONDS", "86400");
            Cli.run(quiet(due), "token", "openai");
            Cli.run(quiet(due), "refresh", "openai");
        }
    }

    /**
     * The PostgreSQL driver's and the pool's classes, loaded (not initialised) so that the archive
     * holds them: a shared store cannot be reached from a training run, and its commands would
     * otherwise read and verify a thousand classes from the jar at every start.
     */
    private static void loadServerStoreClasses() {
        ClassLoader loader = StartupTraining.class.getClassLoader();
        for (String library : new String[] {"org.postgresql.Driver", "com.zaxxer.hikari.HikariDataSource"}) {
            String prefix = library.substring(0, library.lastIndexOf('.') + 1).replace('.', '/');
            try (JarFile jar = new JarFile(Path.of(Class.forName(library, false, loader).getProtectionDomain()
                    .getCodeSource().getLocation().toURI()).toFile())) {
                jar.stream().map(JarEntry::getName)
                        .filter(name -> name.startsWith(prefix) && name.endsWith(".class") && !name.contains("-"))
                        .forEach(name -> load(loader, name.substring(0, name.length() - 6).replace('/', '.')));
            } catch (IOException | ReflectiveOperationException | java.net.URISyntaxException | RuntimeException e) {
                // Not on this class path: nothing to archive.
            }
        }
    }

    private static void load(ClassLoader loader, String name) {
        try {
            Class.forName(name, false, loader);
        } catch (ReflectiveOperationException | LinkageError optional) {
            // A class of an optional integration whose library is absent.
        }
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
