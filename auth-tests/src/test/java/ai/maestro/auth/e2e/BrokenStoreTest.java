package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store breaks in the middle of a refresh, after the provider rotated the refresh token: the
 * rotation must survive (the next refresh succeeds while the server revokes a login on any reuse),
 * and every failure ends in bounded time with exit 8.
 */
class BrokenStoreTest extends OnAUsersMachine {
    private Path mounted;

    @BeforeEach
    void shortLogins() {
        machine.fake.loginLifetime = Duration.ofSeconds(60);
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            new ProcessBuilder("umount", "-l", mounted.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void postgresSessionsTerminatedAfterTheAnswerLoseNothing() throws Exception {
        machine.onPostgres();
        machine.cliLogin();
        // pg_terminate_backend on every maestro-auth session, the refresh lock's included.
        machine.fake.refreshAnswered = machine::cutDatabaseSessions;

        try (CliProcess refresh = CliProcess.start(machine.env, "refresh", "openai")) {
            assertEquals(0, refresh.exitCode(60), refresh.all());
            // Only the CLI's own lines: no pool's WARN, no driver's stack trace.
            assertEquals("", refresh.err(), refresh.all());
            assertEquals(1, refresh.out().trim().lines().count(), refresh.all());
        }
        machine.fake.refreshAnswered = () -> { };
        try (CliProcess refresh = CliProcess.start(machine.env, "refresh", "openai")) {
            assertEquals(0, refresh.exitCode(60), refresh.all());
        }
        assertEquals(2, machine.fake.refreshGrants.get());
        assertEquals(0, machine.fake.reusedRefreshTokens.get());
    }

    @Test
    void postgresUnreachableAfterTheAnswerKeepsTheRotationInTheJournal() throws Exception {
        machine.onPostgres();
        String[] target = SharedStoreFixture.postgresHostPort();
        try (TcpProxy proxy = new TcpProxy(target[0], Integer.parseInt(target[1]))) {
            machine.through(proxy);
            machine.cliLogin();
            machine.fake.refreshAnswered = proxy::cut;

            long started = System.nanoTime();
            try (CliProcess refresh = CliProcess.start(machine.env, "refresh", "openai")) {
                assertEquals(8, refresh.exitCode(60), refresh.all());
                assertTrue(refresh.err().contains("kept encrypted in"), refresh.all());
                assertTrue(!refresh.out().contains("Refreshed"), refresh.all());
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "took " + took);
            String rotated = machine.fake.lastAccessToken;

            machine.fake.refreshAnswered = () -> { };
            proxy.restore();
            // Any machine's status says where the newest sign-in waits.
            Map<String, String> other = machine.otherMachines(1).get(0);
            other.put("MAESTRO_AUTH_DB_URL", machine.env.get("MAESTRO_AUTH_DB_URL"));
            try (CliProcess status = CliProcess.start(other, "status")) {
                assertEquals(0, status.exitCode(60), status.all());
                assertTrue(status.out().contains("refresh not stored") && status.out().contains("journal"),
                        status.all());
            }
            // The next process of the refreshing machine takes its dead process's lease at once.
            long before = System.nanoTime();
            assertTheRotationIsServedAndRefreshes(rotated);
            Duration served = Duration.ofNanos(System.nanoTime() - before);
            assertTrue(served.compareTo(Duration.ofSeconds(15)) < 0, "waited for its own dead lease: " + served);
        }
    }

    @Test
    void aFullDiskStopsTheRefreshBeforeAnythingIsSpent() throws Exception {
        Path data = tinyDisk();
        machine.cliLogin();
        Path filler = fill(data);

        long started = System.nanoTime();
        try (CliProcess refresh = CliProcess.start(machine.env, "refresh", "openai")) {
            assertEquals(8, refresh.exitCode(60), refresh.all());
            assertTrue(!refresh.out().contains("Refreshed"), refresh.all());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "took " + took);
        assertEquals(0, machine.fake.refreshGrants.get(), "nothing was sent");

        Files.delete(filler);
        try (CliProcess refresh = CliProcess.start(machine.env, "refresh", "openai")) {
            assertEquals(0, refresh.exitCode(60), refresh.all());
        }
        assertEquals(1, machine.fake.refreshGrants.get());
        assertEquals(0, machine.fake.reusedRefreshTokens.get());
    }

    @Test
    void aDiskThatFillsDuringTheRequestKeepsTheRotationInTheJournal() throws Exception {
        Path data = tinyDisk();
        machine.cliLogin();
        Path[] filler = new Path[1];
        machine.fake.refreshAnswered = () -> filler[0] = fill(data);

        long started = System.nanoTime();
        try (CliProcess refresh = CliProcess.start(machine.env, "refresh", "openai")) {
            int code = refresh.exitCode(60);
            // H2 may still find room inside its own file; if it does not, the journal keeps the tokens.
            assertTrue(code == 0 || code == 8, refresh.all());
            assertEquals(code == 0, refresh.out().contains("Refreshed"), refresh.all());
            System.out.println("disk filled during the request: exit " + code + " " + refresh.all());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "took " + took);
        String rotated = machine.fake.lastAccessToken;

        machine.fake.refreshAnswered = () -> { };
        Files.delete(filler[0]);
        assertTheRotationIsServedAndRefreshes(rotated);
    }

    /** After the store is back: `token` serves the rotated token (from the journal if need be), `refresh` works. */
    private void assertTheRotationIsServedAndRefreshes(String rotated) throws Exception {
        try (CliProcess token = CliProcess.start(machine.env, "token", "openai")) {
            assertEquals(0, token.exitCode(60), token.all());
            assertEquals(rotated, token.out().trim(), "the rotated token is served");
        }
        try (CliProcess refresh = CliProcess.start(machine.env, "refresh", "openai")) {
            assertEquals(0, refresh.exitCode(60), refresh.all());
        }
        assertEquals(2, machine.fake.refreshGrants.get());
        assertEquals(0, machine.fake.reusedRefreshTokens.get());
    }

    /** A 4 MB tmpfs as the data directory; the test is skipped where it cannot be mounted. */
    private Path tinyDisk() throws Exception {
        Path mountPoint = Files.createDirectories(home.resolve("tiny"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs",
                mountPoint.toString()).redirectErrorStream(true).start();
        boolean ok = mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
        Assumptions.assumeTrue(ok, "full-disk test skipped: cannot mount a tmpfs here (needs root)");
        mounted = mountPoint;
        Path data = mountPoint.resolve("data");
        machine.env.put("MAESTRO_AUTH_HOME", data.toString());
        return data;
    }

    /** Writes until the disk is full; returns the file to delete to free it again. */
    private static Path fill(Path data) {
        Path filler = data.getParent().resolve("filler");
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] block = new byte[4096];
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            return filler;
        }
    }
}
