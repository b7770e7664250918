package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./maestro-auth} launcher in a copy of the project's layout: its start-up archive follows
 * the jar, whoever rebuilt the jar ({@code mvn -B verify} rewrites it without the launcher knowing).
 */
class LauncherTest {
    @TempDir
    Path root;

    private Path target;
    private Path jar;

    /** A copy of the project as the launcher sees it: its script, an old pom, and the built jar. */
    private void project(boolean withJar) throws IOException {
        jar = Path.of("..", "auth-app-cli", "target", "maestro-auth.jar").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(jar), "package auth-app-cli first: " + jar);
        target = Files.createDirectories(root.resolve("auth-app-cli").resolve("target"));
        Files.copy(Path.of("..", "maestro-auth"), root.resolve("maestro-auth"));
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.setLastModifiedTime(root.resolve("pom.xml"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        if (withJar) {
            Files.copy(jar, target.resolve("maestro-auth.jar"));
        }
    }

    /** The one archive the launcher keeps for the JDK at {@code javaHome}: named by that JDK's version. */
    private Path archiveFor(Path javaHome) throws IOException {
        String version = Files.readAllLines(javaHome.resolve("release")).stream()
                .filter(line -> line.startsWith("JAVA_VERSION=")).findFirst().orElseThrow()
                .replaceAll("^JAVA_VERSION=\"|\"$", "");
        return target.resolve("maestro-auth-" + version + ".jsa");
    }

    private Path stampFor(Path javaHome) throws IOException {
        return Path.of(archiveFor(javaHome).toString().replace(".jsa", ".stamp"));
    }

    private static Path thisJdk() {
        return Path.of(System.getProperty("java.home"));
    }

    @Test
    void aJarRebuiltBehindTheLaunchersBackGetsAFreshArchive() throws Exception {
        project(true);
        Path archive = archiveFor(thisJdk());

        assertEquals(0, launch(thisJdk()));
        assertTrue(Files.size(archive) > 0, "no archive after the first run");
        FileTime first = Files.getLastModifiedTime(archive);
        assertEquals(0, launch(thisJdk()));
        assertEquals(first, Files.getLastModifiedTime(archive), "a fitting archive was rewritten");

        // What `mvn -B verify` does: a new jar in place, the launcher not asked.
        Files.copy(jar, target.resolve("maestro-auth.jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(target.resolve("maestro-auth.jar"), FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(0, launch(thisJdk()));

        assertNotEquals(first, Files.getLastModifiedTime(archive), "the stale archive was kept");
        FileTime second = Files.getLastModifiedTime(archive);
        assertEquals(0, launch(thisJdk()));
        assertEquals(second, Files.getLastModifiedTime(archive), "a fitting archive was rewritten");

        // An earlier build put back (`cp -p`): the jar's time moved backwards, and the archive follows it too.
        Files.setLastModifiedTime(target.resolve("maestro-auth.jar"), FileTime.from(Instant.parse("2021-01-01T00:00:00Z")));
        assertEquals(0, launch(thisJdk()));
        assertNotEquals(second, Files.getLastModifiedTime(archive), "an older jar kept the newer one's archive");
        assertTheArchiveHoldsTheModuleGraph(thisJdk());
    }

    /** An IDE's JDK and the shell's: each keeps its own archive, and running one never retrains the other. */
    @Test
    void alternatingJdksKeepAnArchiveEach() throws Exception {
        Path other = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        Assumptions.assumeTrue(Files.isRegularFile(other.resolve("bin/java")) && !other.equals(thisJdk()),
                "a second JDK is installed beside this one");
        project(true);
        assertEquals(0, launch(thisJdk()));
        FileTime mine = Files.getLastModifiedTime(archiveFor(thisJdk()));

        assertEquals(0, launch(other));
        assertTrue(Files.size(archiveFor(other)) > 0, "no archive for the second JDK");
        FileTime theirs = Files.getLastModifiedTime(archiveFor(other));
        assertEquals(0, launch(thisJdk()));
        assertEquals(0, launch(other));

        assertEquals(mine, Files.getLastModifiedTime(archiveFor(thisJdk())), "running the other JDK retrained this one");
        assertEquals(theirs, Files.getLastModifiedTime(archiveFor(other)), "running this JDK retrained the other");
        assertTheArchiveHoldsTheModuleGraph(other);
    }

    /**
     * Each archive holds the JDK's heap objects too (its module graph among them), which spares every
     * start the module system's set-up: on JDK 17 only an archive dumped, and a JVM run, with G1 has
     * them. What only prints (`--version`, a `--help`) maps a small archive of its own; the rest, the
     * whole CLI's. Every picocli class comes from the archive.
     */
    private void assertTheArchiveHoldsTheModuleGraph(Path javaHome) throws Exception {
        String archive = archiveFor(javaHome).getFileName().toString();
        String small = archive.replace(".jsa", "-print.jsa");
        for (List<String> command : List.of(List.of("config"), List.of("--version"), List.of("token", "--help"))) {
            Path log = root.resolve("cds.log");
            Path classes = root.resolve("classes.log");
            Files.deleteIfExists(log);
            Files.deleteIfExists(classes);
            assertEquals(0, launch(javaHome, null, "-Xlog:cds=info:file=" + log + " -Xlog:class+load=info:file=" + classes,
                    command.toArray(String[]::new)), command.toString());
            // picocli's class files are of Java 5: a dump that has to link one leaves it out, CommandLine among them.
            List<String> picocliFromJars = Files.readAllLines(classes).stream()
                    .filter(line -> line.contains(" picocli.") && !line.contains("shared objects file")).toList();
            assertEquals(List.of(), picocliFromJars, command + " on " + javaHome + " read picocli classes from the jar");
            String mapped = Files.readString(log);
            String expected = command.equals(List.of("config")) ? archive : small;
            assertTrue(mapped.contains("Opened") && mapped.contains("/" + expected), command + " did not map " + expected
                    + ": " + mapped.lines().filter(line -> line.contains("Opened")).collect(java.util.stream.Collectors.joining("; ")));
            assertTrue(mapped.contains("full module graph: enabled"), "no module graph in " + expected + " of "
                    + javaHome + ": " + mapped.lines().filter(line -> line.contains("heap") || line.contains("module graph"))
                    .collect(java.util.stream.Collectors.joining("; ")));
        }
    }

    /**
     * One JDK found two ways (JAVA_HOME through a link such as Debian's default-java, and the real
     * path): one archive, trained once.
     */
    @Test
    void aJdkNamedThroughALinkKeepsItsArchive() throws Exception {
        project(true);
        assertEquals(0, launch(thisJdk()));
        FileTime trained = Files.getLastModifiedTime(archiveFor(thisJdk()));
        Path link = Files.createSymbolicLink(root.resolve("default-java"), thisJdk().toRealPath());

        assertEquals(0, launch(link));
        assertEquals(0, launch(thisJdk()));
        assertEquals(trained, Files.getLastModifiedTime(archiveFor(thisJdk())), "the same JDK through a link retrained");
    }

    /** A fresh clone: the build runs once and the terminal sees the launcher's one line, no colour codes. */
    @Test
    void theFirstRunsBuildPrintsOnlyItsOwnLine() throws Exception {
        project(false);
        // Maven as the launcher meets it: it writes colour resets even in batch mode, then leaves the jar.
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\nprintf '\\033[0m\\033[0m' ; printf '\\033[0m' >&2\ncp '" + jar + "' '"
                + target.resolve("maestro-auth.jar") + "'\n");
        mvn.toFile().setExecutable(true);

        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("maestro-auth").toString(), "--version");
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("JAVA_HOME", thisJdk().toString());
        Process process = builder.start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the launcher hung");
        String err = new String(process.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertEquals(0, process.exitValue(), err);
        assertEquals("maestro-auth: building the jar (once; about a minute the first time)...\n", err);
        assertTrue(out.startsWith("maestro-auth "), out);
        assertFalse(out.contains("\u001b"), "an escape sequence on stdout: " + out);
        // The archive's training (10-20 s) runs on in the background, detached from the command's output:
        // both streams ended with the command.
        assertTrue(trainingUnderWay(), "the command waited for the archive's training");
        trainingsDone();
        assertTrue(Files.size(archiveFor(thisJdk())) > 0, "no archive after the training");
    }

    /**
     * A training lock left by a trainer that died (killed with the machine, say) is taken over by the
     * next command; one held by a live trainer is left alone, and the command runs without an archive.
     */
    @Test
    void aDeadTrainersLockIsTakenOverAndALiveOnesIsLeftAlone() throws Exception {
        project(true);
        // Only the lock is looked at: a stand-in java trains in no time.
        Path jdk = standInJdk();
        Path lock = Files.createDirectories(Path.of(archiveFor(jdk).toString().replace(".jsa", ".training")));
        Files.writeString(lock.resolve("pid"), ProcessHandle.current().pid() + "\n");
        assertEquals(0, launchWithoutWaiting(jdk, null, null));
        assertTrue(Files.isDirectory(lock), "a live trainer's lock was taken");
        assertFalse(Files.exists(stampFor(jdk)), "trained beside a live trainer");

        Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(10, TimeUnit.SECONDS));
        Files.writeString(lock.resolve("pid"), gone.pid() + "\n");
        assertEquals(0, launch(jdk));
        assertFalse(Files.exists(lock), "the dead trainer's lock is still there");
        assertTrue(Files.exists(stampFor(jdk)), "not trained after taking the lock over");
    }

    /** A JDK whose java does nothing: for what the launcher decides, not what the JVM does. */
    private Path standInJdk() throws IOException {
        Path jdk = Files.createDirectories(root.resolve("jdk/bin")).getParent();
        Files.writeString(jdk.resolve("bin/java"), "#!/bin/sh\nexit 0\n");
        jdk.resolve("bin/java").toFile().setExecutable(true);
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"0-stand-in\"\n");
        return jdk;
    }

    /** A main source newer than the jar rebuilds it before the command runs; a newer build output does not. */
    @Test
    void aChangedSourceRebuildsTheJarAndNothingElseDoes() throws Exception {
        project(true);
        Path calls = root.resolve("mvn-calls");
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\necho built >> '" + calls + "'\n");
        bin.resolve("mvn").toFile().setExecutable(true);
        Path source = Files.createDirectories(root.resolve("auth-domain/src/main/java")).resolve("Changed.java");
        Files.writeString(source, "class Changed {}");
        // An untouched tree: the file and the folders that list it (a file added or removed is a change too).
        for (Path path = source; !path.equals(root); path = path.getParent()) {
            Files.setLastModifiedTime(path, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        }
        Path output = Files.createDirectories(root.resolve("auth-domain/target/classes")).resolve("Changed.class");
        Files.writeString(output, "");
        // Only the build decision is looked at: a stand-in java spares the archive's training run.
        Path jdk = standInJdk();

        assertEquals(0, launch(jdk, bin));
        assertFalse(Files.exists(calls), "rebuilt for a build output newer than the jar");

        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(0, launch(jdk, bin));
        assertEquals(List.of("built"), Files.readAllLines(calls), "a changed source did not rebuild the jar");
    }

    private int launch(Path javaHome, Path bin) throws Exception {
        return launch(javaHome, bin, null);
    }

    private int launch(Path javaHome, Path bin, String javaOptions, String... args) throws Exception {
        int code = launchWithoutWaiting(javaHome, bin, javaOptions, args);
        trainingsDone();
        return code;
    }

    /** The launcher's exit code, without waiting for a training it started in the background. */
    private int launchWithoutWaiting(Path javaHome, Path bin, String javaOptions, String... args) throws Exception {
        List<String> line = new java.util.ArrayList<>(List.of("bash", root.resolve("maestro-auth").toString()));
        line.addAll(args.length == 0 ? List.of("--version") : List.of(args));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().remove("MAESTRO_AUTH_JAVA_OPTIONS");
        builder.environment().put("MAESTRO_AUTH_HOME", root.resolve("home").toString());
        if (javaOptions != null) {
            builder.environment().put("MAESTRO_AUTH_JAVA_OPTIONS", javaOptions);
        }
        if (bin != null) {
            builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        }
        Process process = builder.start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the launcher hung");
        return process.exitValue();
    }

    /** Whether the launcher is training an archive (of any JDK) in the background. */
    private boolean trainingUnderWay() throws IOException {
        try (Stream<Path> files = Files.list(target)) {
            return files.anyMatch(file -> file.getFileName().toString().endsWith(".training"));
        }
    }

    /** Waits, within a bound, for the launcher's background training to end. */
    private void trainingsDone() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (trainingUnderWay()) {
            assertTrue(System.nanoTime() - deadline < 0, "a training still running after 300 s");
            Thread.sleep(50);
        }
    }

    private int launch(Path javaHome) throws Exception {
        return launch(javaHome, null);
    }
}
