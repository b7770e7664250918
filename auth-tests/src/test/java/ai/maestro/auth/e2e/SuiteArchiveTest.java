package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The start-up archive the suite's child JVMs map: made once per build in the module's build
 * directory and shared by the test JVMs (a 54 MB archive per test JVM used to be left in the system's
 * temporary directory by every run).
 */
class SuiteArchiveTest {

    @Test
    void theArchiveIsTheBuildsOneAndNothingIsLeftInTheTemporaryDirectory() throws Exception {
        List<Path> before = leftInTmp();
        try (CliProcess version = CliProcess.start(Map.of(), "--version")) {
            assertEquals(0, version.exitCode(60), version.all());
        }
        Path archive = CliProcess.archiveFile();
        Path buildDirectory = Path.of("target").toAbsolutePath();
        assertTrue(archive.startsWith(buildDirectory) && Files.size(archive) > 0,
                "the archive is not in " + buildDirectory + ": " + archive);
        assertEquals(before, leftInTmp(), "archives left in the temporary directory");

        // What another test JVM of this build does: it finds the archive made and maps it, untrained.
        FileTime made = Files.getLastModifiedTime(archive);
        assertEquals(archive, CliProcess.sharedArchive(), "another JVM of the same build would make its own");
        assertEquals(made, Files.getLastModifiedTime(archive), "the build's archive was made again");
    }

    private static List<Path> leftInTmp() throws Exception {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(path -> path.getFileName().toString().startsWith("maestro-auth-archive")).sorted().toList();
        }
    }
}
