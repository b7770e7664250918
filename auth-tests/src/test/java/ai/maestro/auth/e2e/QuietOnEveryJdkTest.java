package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.app.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * `status` and `token` write nothing to stderr but their own lines on every JDK installed here (the
 * one running the tests, and any other under /usr/lib/jvm, e.g. a JDK 25 where libraries that call
 * sun.misc.Unsafe make the JVM print warnings), started as the launcher starts them.
 */
class QuietOnEveryJdkTest extends OnAUsersMachine {

    private static List<Path> javas() throws Exception {
        List<Path> javas = new ArrayList<>();
        javas.add(Path.of(System.getProperty("java.home"), "bin", "java"));
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> installed = Files.list(jvms)) {
                installed.map(jdk -> jdk.resolve("bin/java")).filter(Files::isExecutable)
                        .filter(java -> !realPath(java).equals(realPath(javas.get(0))))
                        .filter(java -> java.getParent().getParent().getFileName().toString().matches(".*-(2[1-9]|[3-9]\\d)-.*"))
                        .forEach(javas::add);
            }
        }
        return javas;
    }

    private static String realPath(Path path) {
        try {
            return path.toRealPath().toString();
        } catch (java.io.IOException e) {
            return path.toString();
        }
    }

    @Test
    void statusAndTokenWriteNothingButTheirAnswerOnEveryJdk() throws Exception {
        machine.cliLogin();
        System.out.println("quiet on: " + quietOnEveryJdk());
    }

    /** The same with the key in the operating system's keyring, a desktop's default: D-Bus's library stays silent too. */
    @Test
    void withTheKeyInTheKeyringToo() throws Exception {
        try (KeyringSession session = KeyringSession.startOrSkip(home)) {
            session.holdsTheKeyFor(machine.env);
            machine.cliLogin();
            assertTrue(session.entries().contains("secret = "), "the key is in the keyring");
            System.out.println("quiet with the key in the keyring on: " + quietOnEveryJdk());
        }
    }

    /**
     * The start-up archive's training run is as quiet: it runs the commands as `main` runs them (Guice
     * generating no classes, whose definer makes JDK 24+ warn), so the archive holds what they load.
     */
    @Test
    void theArchivesTrainingRunIsQuietOnEveryJdkToo() throws Exception {
        for (Path java : javas()) {
            ProcessBuilder builder = new ProcessBuilder(java.toString(), "-XX:TieredStopAtLevel=1", "-cp", classPath(),
                    ai.maestro.auth.app.cli.StartupTraining.class.getName());
            builder.environment().keySet().removeIf(k -> k.startsWith("MAESTRO_AUTH") || k.startsWith("OPENAI_OAUTH"));
            Path err = home.resolve("training-stderr.txt");
            builder.redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Process process = builder.start();
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "ended");
            assertEquals(0, process.exitValue(), java + ": " + Files.readString(err));
            assertEquals("", Files.readString(err), java + ": the training run wrote to stderr");
        }
    }

    private static String classPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> entry.endsWith(".jar")).collect(java.util.stream.Collectors.joining(
                        java.io.File.pathSeparator));
    }

    /** Runs `status` and `token` on every JDK, asserting exit 0 and an empty stderr; returns what ran. */
    private List<String> quietOnEveryJdk() throws Exception {
        String classPath = classPath();
        List<String> checked = new ArrayList<>();
        for (Path java : javas()) {
            for (List<String> command : List.of(List.of("status"), List.of("token", "openai"))) {
                List<String> line = new ArrayList<>(List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-cp", classPath,
                        Main.class.getName()));
                line.addAll(command);
                ProcessBuilder builder = new ProcessBuilder(line);
                builder.environment().keySet().removeIf(k -> k.startsWith("MAESTRO_AUTH") || k.startsWith("OPENAI_OAUTH"));
                builder.environment().putAll(machine.env);
                Path err = home.resolve("stderr.txt");
                builder.redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
                Process process = builder.start();
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), "ended");
                assertEquals(0, process.exitValue(), java + " " + command + ": " + Files.readString(err));
                assertEquals("", Files.readString(err), java + " " + command + " wrote to stderr");
                checked.add(java.getParent().getParent().getFileName() + " " + String.join(" ", command));
            }
        }
        return checked;
    }
}
