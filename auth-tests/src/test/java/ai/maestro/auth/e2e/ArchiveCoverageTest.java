package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The start-up archive the launcher trains holds what the commands people run every hour load, not
 * only a cached `token`: a refresh falling due (the HTTP client, JSON) and a PostgreSQL store (its
 * driver and pool). A class missing from it is read and verified from the jar at every start.
 */
class ArchiveCoverageTest extends OnAUsersMachine {
    /** At least this share of the classes a command loads comes from the archive. */
    private static final double SHARED = 0.93;

    @Test
    void aRefreshFallingDueLoadsItsClassesFromTheArchive() throws Exception {
        machine.fake.loginLifetime = Duration.ofSeconds(60); // inside the refresh skew: `token` refreshes
        machine.cliLogin();
        List<String> loaded = assertMostlyShared("token openai, refresh due");
        assertEquals(1, machine.fake.refreshGrants.get(), "the command refreshed");
        // A refresh reads one small answer and writes one journal record: no object mapper is built for it.
        List<String> databind = loaded.stream().filter(line -> line.contains(" com.fasterxml.jackson.databind.")
                && !line.contains(" com.fasterxml.jackson.databind.ObjectMapper ")).toList();
        assertEquals(List.of(), databind, "databind classes a refresh loaded");
    }

    @Test
    void aPostgresStoreLoadsItsClassesFromTheArchive() throws Exception {
        machine.onPostgres();
        machine.cliLogin();
        List<String> loaded = assertMostlyShared("token openai, PostgreSQL store");
        // Its reads are JDBC statements too: Jdbi is for the leases and writes of a refresh.
        assertEquals(List.of(), jdbiBuilt(loaded), "Jdbi classes a cached token on PostgreSQL loaded");
    }

    /**
     * A key in the operating system's keyring (where a desktop's first login puts it): the keyring's
     * client, D-Bus and the session's cipher come from the archive too, though no keyring answers a
     * training run.
     */
    @Test
    void aKeyInTheKeyringLoadsItsClassesFromTheArchive() throws Exception {
        try (KeyringSession session = KeyringSession.startOrSkip(home)) {
            session.holdsTheKeyFor(machine.env);
            machine.cliLogin();
            List<String> loaded = assertMostlyShared("token openai, key in the keyring");
            // A signed jar's classes are never archived; the launcher's jar is unsigned, this class path is not.
            List<String> keyringFromJars = loaded.stream().filter(line -> !line.contains("shared objects file"))
                    .filter(line -> !fromASignedJar(line))
                    .map(ArchiveCoverageTest::className)
                    .filter(name -> name.startsWith("org.freedesktop.") || name.startsWith("com.github.javakeyring.")
                            || name.startsWith("at.favre.lib.crypto."))
                    .filter(name -> !name.contains("$$Lambda$") && !name.contains("$Proxy")).toList();
            assertEquals(List.of(), keyringFromJars, "keyring classes read from the jar");
        }
    }

    /**
     * A cached token is a read: the rows are read with JDBC itself, and Jdbi (whose configuration
     * registry alone is tens of milliseconds and hundreds of classes in a new process) is never built.
     */
    @Test
    void aCachedTokenIsReadWithoutBuildingJdbi() throws Exception {
        machine.cliLogin();
        assertEquals(List.of(), jdbiBuilt(tokenLoads()), "Jdbi classes a cached token loaded");
    }

    /**
     * picocli's class files are of Java 5: JDK 17's archive leaves such a class out once anything
     * links it while the archive is dumped (a lambda implementing one of its interfaces, a method
     * reference into it), and then reads it from the jar at every start, CommandLine among them.
     */
    @Test
    void everyPicocliClassComesFromTheArchive() throws Exception {
        machine.cliLogin();
        // Each command and its exit code: a typo (exit 2) goes through the usage error's handler.
        Map<List<String>, Integer> commands = Map.of(List.of("token", "openai"), 0, List.of("status"), 0,
                List.of("no-such-command"), 2);
        for (Map.Entry<List<String>, Integer> command : commands.entrySet()) {
            List<String> fromJars = loads(command.getValue(), command.getKey().toArray(String[]::new)).stream()
                    .filter(line -> line.contains(" picocli.") && !line.contains("shared objects file"))
                    .map(ArchiveCoverageTest::className).toList();
            assertEquals(List.of(), fromJars, "picocli classes " + command.getKey() + " read from a jar");
        }
    }

    /** The class a class-loading line names. */
    private static String className(String line) {
        return line.replaceAll("^\\S+ (\\S+) source: .*$", "$1");
    }

    /** Whether a class-loading line names a signed jar as its source. */
    private static boolean fromASignedJar(String line) {
        java.util.regex.Matcher jar = java.util.regex.Pattern.compile(" source: file:(\\S+\\.jar)$").matcher(line);
        if (!jar.find()) {
            return false;
        }
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.group(1))) {
            return file.stream().anyMatch(entry -> entry.getName().matches("META-INF/[^/]+\\.SF"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The classes that show Jdbi was built or a handle opened. */
    private static List<String> jdbiBuilt(List<String> loaded) {
        return loaded.stream().map(ArchiveCoverageTest::className)
                .filter(name -> List.of("org.jdbi.v3.core.Jdbi", "org.jdbi.v3.core.config.ConfigRegistry",
                        "org.jdbi.v3.core.Handle").contains(name) || name.startsWith("org.jdbi.v3.core.config.internal."))
                .toList();
    }

    private List<String> assertMostlyShared(String what) throws Exception {
        List<String> loaded = tokenLoads();
        List<String> fromJars = loaded.stream().filter(line -> !line.contains("shared objects file"))
                .map(ArchiveCoverageTest::className).toList();
        double shared = 1 - (double) fromJars.size() / loaded.size();
        System.out.printf("%s: %d classes, %.1f %% from the archive%n", what, loaded.size(), shared * 100);
        assertTrue(shared >= SHARED, String.format("%s: %.1f %% of %d classes from the archive; not: %s", what,
                shared * 100, loaded.size(), fromJars.subList(0, Math.min(40, fromJars.size()))));
        return loaded;
    }

    /** `--version` and `--help` answer from picocli alone: the configuration is read by commands that use it. */
    @Test
    void theVersionAndTheHelpReadNoConfiguration() throws Exception {
        for (String asked : List.of("--version", "--help")) {
            List<String> read = loads(asked).stream().map(ArchiveCoverageTest::className)
                    .filter(name -> name.startsWith("ai.maestro.auth.domain.config.ProviderConfigs")
                            || name.startsWith("ai.maestro.auth.adapter.outbound.persistence.PersistenceSettings")
                            || name.startsWith("ai.maestro.auth.adapter.outbound.http.NetworkSettings"))
                    .toList();
            assertEquals(List.of(), read, "configuration classes " + asked + " loaded");
        }
    }

    /**
     * The root's help lists each command by the name and first line of its {@code @Command}: it builds
     * no command's model (its options and mixins, found by reflection), which a command's own help does.
     */
    @Test
    void theRootsHelpBuildsNoCommandsModel() throws Exception {
        String mixin = "ai.maestro.auth.app.cli.AccountOption";
        java.util.function.Predicate<List<String>> builtACommand = lines -> lines.stream()
                .anyMatch(line -> line.contains(" " + mixin + " "));
        assertFalse(builtACommand.test(loads("--help")), "--help built a command's model (loaded " + mixin + ")");
        assertTrue(builtACommand.test(loads("token", "--help")), "token --help did not build token's model");
    }

    /** The class-loading lines of one `token openai`. */
    private List<String> tokenLoads() throws Exception {
        return loads("token", "openai");
    }

    /** The class-loading lines of one command. */
    private List<String> loads(String... args) throws Exception {
        return loads(0, args);
    }

    /** The class-loading lines of one command that exits with {@code exitCode}. */
    private List<String> loads(int exitCode, String... args) throws Exception {
        Path log = home.resolve("classes.log");
        Files.deleteIfExists(log);
        try (CliProcess command = CliProcess.start(machine.env, List.of("-Xlog:class+load:file=" + log), args)) {
            assertEquals(exitCode, command.exitCode(60), command.all());
        }
        return Files.readAllLines(log).stream().filter(line -> line.contains(" source: ")).toList();
    }
}
