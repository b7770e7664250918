package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./maestro-auth} launcher in a copy of the project's layout: its start-up archive follows
 * the jar, whoever rebuilt the jar ({@code mvn -B verify} rewrites it without the launcher knowing).
 */
class LauncherTest {
    @TempDir
    Path root;

    @Test
    void aJarRebuiltBehindTheLaunchersBackGetsAFreshArchive() throws Exception {
        Path jar = Path.of("..", "auth-app-cli", "target", "maestro-auth.jar").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(jar), "package auth-app-cli first: " + jar);
        Path target = Files.createDirectories(root.resolve("auth-app-cli").resolve("target"));
        Files.copy(Path.of("..", "maestro-auth"), root.resolve("maestro-auth"));
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.setLastModifiedTime(root.resolve("pom.xml"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Files.copy(jar, target.resolve("maestro-auth.jar"));
        Path archive = target.resolve("maestro-auth.jsa");

        assertEquals(0, launch());
        assertTrue(Files.size(archive) > 0, "no archive after the first run");
        FileTime first = Files.getLastModifiedTime(archive);
        assertEquals(0, launch());
        assertEquals(first, Files.getLastModifiedTime(archive), "a fitting archive was rewritten");

        // What `mvn -B verify` does: a new jar in place, the launcher not asked.
        Files.copy(jar, target.resolve("maestro-auth.jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(target.resolve("maestro-auth.jar"), FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(0, launch());

        assertNotEquals(first, Files.getLastModifiedTime(archive), "the stale archive was kept");
        assertEquals(0, launch());
    }

    private int launch() throws Exception {
        Process process = new ProcessBuilder("bash", root.resolve("maestro-auth").toString(), "--version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the launcher hung");
        return process.exitValue();
    }
}
