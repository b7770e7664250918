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
 * PostgreSQL store and of a key in the keyring. Touches nothing of the user's (no keyring is
 * asked) and prints nothing. With the argument {@code print}: only what prints and exits ({@code
 * --version}, {@code --help}, each command's {@code --help}), for the launcher's small archive of those.
 */
public final class StartupTraining {
    private StartupTraining() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty(Main.LOG_LEVEL, "warn");
        Main.noClassGeneration();
        // What every command's start does before its command runs (this process exits right after).
        ProcessSetup.keepRefreshAnswers(Duration.ofSeconds(2));
        ProcessSetup.boundHttpServers();
        if (args.length > 0 && args[0].equals("print")) {
            // The small archive of what only prints: the version, the help, the usage line of no command,
            // and each command's own help (which builds that command's whole model).
            for (String[] command : new String[][] {{"--version"}, {"--help"}, {}}) {
                Cli.run(quiet(Map.of()), command);
            }
            for (String command : MaestroAuthCommand.SUBCOMMANDS.keySet()) {
                Cli.run(quiet(Map.of()), command, "--help");
            }
            System.exit(0);
        }
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
            loadUnreachableLibraries();
            keyringSessionCipher();
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
     * Libraries a training run cannot reach, each named by a class of its jar and the packages it
     * holds: the PostgreSQL driver and the pool (no shared store here), and the keyring's client
     * (java-keyring, the Secret Service client, D-Bus and its transport, HKDF: no keyring here).
     */
    private static final String[][] UNREACHABLE_LIBRARIES = {
        {"org.postgresql.Driver", "org/postgresql/"},
        {"com.zaxxer.hikari.HikariDataSource", "com/zaxxer/hikari/"},
        {"com.github.javakeyring.Keyring", "com/github/javakeyring/"},
        {"org.freedesktop.secret.TransportEncryption", "org/freedesktop/secret/", "org/gnome/keyring/"},
        {"org.freedesktop.dbus.connections.impl.DBusConnection", "org/freedesktop/dbus/"},
        {"org.freedesktop.dbus.transport.jre.NativeTransportProvider", "org/freedesktop/dbus/transport/"},
        {"at.favre.lib.crypto.HKDF", "at/favre/lib/crypto/"},
    };

    /**
     * The classes of {@link #UNREACHABLE_LIBRARIES}, loaded (not initialised) so that the archive
     * holds them: a command with a shared store or a key in the keyring would otherwise read and
     * verify them from the jar at every start (a thousand for PostgreSQL, some 170 for a keyring).
     */
    private static void loadUnreachableLibraries() {
        ClassLoader loader = StartupTraining.class.getClassLoader();
        for (String[] library : UNREACHABLE_LIBRARIES) {
            java.util.List<String> prefixes = java.util.List.of(library).subList(1, library.length);
            try (JarFile jar = new JarFile(Path.of(Class.forName(library[0], false, loader).getProtectionDomain()
                    .getCodeSource().getLocation().toURI()).toFile())) {
                jar.stream().map(JarEntry::getName)
                        .filter(name -> prefixes.stream().anyMatch(name::startsWith) && name.endsWith(".class")
                                && !name.contains("-"))
                        .forEach(name -> load(loader, name.substring(0, name.length() - 6).replace('/', '.')));
            } catch (IOException | ReflectiveOperationException | java.net.URISyntaxException | RuntimeException e) {
                // Not on this class path: nothing to archive.
            }
        }
    }

    /**
     * What a keyring's session runs of the JDK once (the Secret Service's transport encryption: a
     * 1024-bit Diffie-Hellman agreement, an HMAC-SHA256 key derivation, AES-CBC), with the Unix
     * socket address D-Bus connects to, its user id and its collator: the JDK's classes for them are
     * archived too.
     */
    private static void keyringSessionCipher() {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("DH");
            generator.initialize(1024);
            java.security.KeyPair pair = generator.generateKeyPair();
            javax.crypto.KeyAgreement agreement = javax.crypto.KeyAgreement.getInstance("DH");
            agreement.init(pair.getPrivate());
            agreement.doPhase(java.security.KeyFactory.getInstance("DH").generatePublic(
                    new java.security.spec.X509EncodedKeySpec(pair.getPublic().getEncoded())), true);
            byte[] secret = agreement.generateSecret();
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
            byte[] key = java.util.Arrays.copyOf(mac.doFinal(new byte[1]), 16);
            javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"),
                    new javax.crypto.spec.IvParameterSpec(new byte[16]));
            cipher.doFinal(new byte[32]);
            java.net.UnixDomainSocketAddress.of(Path.of("training.socket"));
            // D-Bus authenticates by the user's id (its class loaded by name: it is the JDK's, not an API)
            // and compares names with a collator.
            load(StartupTraining.class.getClassLoader(), "com.sun.security.auth.module.UnixSystem");
            java.text.Collator.getInstance().compare("a", "b");
        } catch (java.security.GeneralSecurityException | RuntimeException | LinkageError e) {
            // Not on this system (no Unix user id on Windows): only a start-up archive is the poorer.
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
