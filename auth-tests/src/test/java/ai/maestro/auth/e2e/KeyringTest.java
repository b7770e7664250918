package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The encryption key in the operating system's keyring: real CLI processes against a real Secret
 * Service (GNOME Keyring on a private D-Bus session), and the fallback to a file said, never silent.
 */
class KeyringTest extends OnAUsersMachine {
    private KeyringSession keyring;

    @BeforeEach
    void keyFromTheStoreNotTheEnvironment() {
        machine.env.remove("MAESTRO_AUTH_ENCRYPTION_KEY");
    }

    @AfterEach
    void stopKeyring() {
        if (keyring != null) {
            keyring.close();
        }
    }

    private void withKeyring() throws Exception {
        keyring = KeyringSession.startOrSkip(home);
        keyring.addTo(machine.env);
    }

    private Path keyFile() {
        return machine.data.resolve("encryption.key");
    }

    /** The key text the keyring holds for the data directory (for the secrecy checks only). */
    private String storedKey() throws Exception {
        String entries = keyring.entries();
        return entries.lines().filter(l -> l.startsWith("secret = ")).map(l -> l.substring("secret = ".length()))
                .findFirst().orElseThrow(() -> new AssertionError("no entry: " + entries));
    }

    /**
     * Every keyring call closes its D-Bus connection before it returns: an open one keeps its reader
     * thread in a native read, and the JVM waits 300 ms at exit for such a thread, so each command
     * with its key in the keyring ended that much later than its work.
     */
    @Test
    void aKeyringCallLeavesNoDBusConnectionOpen() throws Exception {
        withKeyring();
        keyring.holdsTheKeyFor(machine.env);
        // The D-Bus library takes the bus from this property before the environment: this JVM's calls
        // reach the test keyring.
        String bus = "DBUS_SESSION_BUS_ADDRESS";
        String before = System.getProperty(bus);
        System.setProperty(bus, machine.env.get(bus));
        try {
            SharedStoreFixture.login(machine.injector());
            assertTrue(keyring.entries().contains("secret = "), "the login's key is in the keyring");
            assertEquals(List.of(), dBusThreadsLeftAfter(Duration.ofSeconds(5)), "D-Bus threads still running");
        } finally {
            if (before == null) {
                System.clearProperty(bus);
            } else {
                System.setProperty(bus, before);
            }
        }
    }

    /** The D-Bus library's threads still alive once {@code bound} has passed (a closed connection's end within it). */
    private static List<String> dBusThreadsLeftAfter(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            List<String> left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                    .map(Thread::getName).filter(name -> name.startsWith("DBus")).sorted().toList();
            if (left.isEmpty() || System.nanoTime() - deadline > 0) {
                return left;
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aLoginKeepsTheKeyInTheKeyringAndNothingOfItInTheDataDirectory() throws Exception {
        withKeyring();
        machine.cliLogin();

        assertFalse(Files.exists(keyFile()), "no key file beside the data");
        String entries = keyring.entries();
        System.out.println("secret-tool search service maestro-auth:\n" + entries.replaceAll("secret = .*",
                "secret = (the key)"));
        assertEquals(1, entries.lines().filter(l -> l.startsWith("secret = ")).count(), entries);
        assertTrue(entries.contains("account = " + machine.data.toRealPath()), entries);
        try (CliProcess token = machine.run("token", "openai")) {
            assertEquals(0, token.exitCode(60), token.all());
        }
        try (CliProcess status = machine.run("status")) {
            assertTrue(status.out().contains("Encryption key: the operating system's keyring, service maestro-auth,"
                    + " account " + machine.data.toRealPath()), status.all());
            System.out.println("status:\n" + status.out());
        }
        String key = storedKey();
        String secretPart = key.substring(key.indexOf(':') + 1);
        try (Stream<Path> files = Files.walk(machine.data)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1)
                        .contains(secretPart), "the key in " + file);
            }
        }
    }

    @Test
    void theEmbeddedStormPassesWithTheKeyInTheKeyring() throws Exception {
        withKeyring();
        machine.fake.loginLifetime = Duration.ofSeconds(60);
        machine.cliLogin();
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            long skew = 1000L * (round + 1);
            machine.env.put("MAESTRO_AUTH_REFRESH_SKEW_SECONDS", String.valueOf(skew));
            machine.fake.refreshLifetime = Duration.ofSeconds(skew + 500);
            int before = machine.fake.refreshGrants.get();
            List<CliProcess> storm = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                storm.add(CliProcess.start(machine.env, "token", "openai"));
            }
            Set<String> printed = new HashSet<>();
            for (CliProcess process : storm) {
                if (process.exitCode(120) != 0 || !process.err().isEmpty()) {
                    failures.add("round " + round + ": " + process.all());
                }
                printed.add(process.out().trim());
                process.close();
            }
            assertEquals(1, machine.fake.refreshGrants.get() - before, "grants in round " + round);
            assertEquals(Set.of(machine.fake.lastAccessToken), printed);
        }
        assertEquals(List.of(), failures);
        assertEquals(0, machine.fake.reusedRefreshTokens.get());
        assertFalse(Files.exists(keyFile()));
    }

    @Test
    void aLockedKeyringIsOneLineAndExit8WithinTheDeadline() throws Exception {
        withKeyring();
        machine.cliLogin();
        keyring.lock();

        long started = System.nanoTime();
        try (CliProcess token = machine.run("token", "openai")) {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            System.out.println("locked keyring: exit " + token.exitCode(60) + " after " + took.toMillis() + " ms: "
                    + token.err().strip());
            assertEquals(8, token.exitCode(60), token.all());
            assertEquals(1, token.err().strip().lines().count(), token.all());
            assertFalse(token.err().contains("Exception"), "a Java class name on the user's line: " + token.err());
            assertTrue(token.err().contains("keyring") && token.err().contains("MAESTRO_AUTH_KEY_STORE=file"),
                    token.all());
            assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "took " + took);
        }
        assertFalse(Files.exists(keyFile()), "no key file made behind the user's back");
    }

    @Test
    void anEntryDeletedWhileARowRemainsIsExit8AndNoNewKeyIsMade() throws Exception {
        withKeyring();
        machine.cliLogin();
        assertTrue(keyring.run("secret-tool", "clear", "service", "maestro-auth", "account",
                machine.data.toRealPath().toString()).ok());

        try (CliProcess token = machine.run("token", "openai")) {
            assertEquals(8, token.exitCode(60), token.all());
            assertTrue(token.err().contains("keyring entry") && token.err().contains("is missing")
                    && token.err().contains("logout openai"), token.all());
            assertEquals(1, token.err().strip().lines().count(), token.all());
        }
        assertFalse(keyring.entries().contains("secret = "), "no new key in the keyring");
        assertFalse(Files.exists(keyFile()), "no new key file");
    }

    @Test
    void rekeyMovesTheKeyBothWaysAndAKillAtAnyStepLeavesAStoreThatOpens() throws Exception {
        withKeyring();
        machine.cliLogin();
        String token = null;
        List<String> table = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String target = Files.exists(keyFile()) ? "keyring" : "file";
            long delay = ThreadLocalRandom.current().nextLong(0, 1500);
            CliProcess move = CliProcess.start(machine.env, "rekey", "--key-store", target);
            Thread.sleep(delay);
            boolean finished = !move.isAlive();
            move.kill();
            boolean file = Files.exists(keyFile());
            boolean entry = keyring.entries().contains("secret = ");
            try (CliProcess after = machine.run("--verbose", "token", "openai")) {
                assertEquals(0, after.exitCode(60), "after a kill at " + delay + " ms: " + after.all());
                if (token != null) {
                    assertEquals(token, after.out().trim());
                }
                token = after.out().trim();
            }
            assertTrue(file || entry, "the key is somewhere");
            table.add(String.format("| %d | %s | %d ms | %s | %s | %s | 0 |", i + 1, target, delay,
                    finished ? "finished" : "killed", file ? "yes" : "no", entry ? "yes" : "no"));
        }
        // And both moves to their end.
        for (String target : List.of("keyring", "file", "keyring")) {
            try (CliProcess move = machine.run("rekey", "--key-store", target)) {
                assertEquals(0, move.exitCode(60), move.all());
                System.out.println("rekey --key-store " + target + ": " + move.out().strip());
            }
            assertEquals(target.equals("file"), Files.exists(keyFile()));
            assertEquals(target.equals("keyring"), keyring.entries().contains("secret = "));
            try (CliProcess after = machine.run("--verbose", "token", "openai")) {
                assertEquals(0, after.exitCode(60), after.all());
            }
        }
        System.out.println("| run | move to | kill after | move | key file | keyring entry | token exit |\n"
                + "|---|---|---|---|---|---|---|\n" + String.join("\n", table));
    }

    @Test
    void withNoSessionBusTheKeyIsInAFileAndStatusAndConfigSayWhy() throws Exception {
        machine.env.remove("DBUS_SESSION_BUS_ADDRESS");
        machine.cliLogin();
        assertTrue(Files.exists(keyFile()));
        try (CliProcess status = machine.run("status")) {
            System.out.println("status without a keyring:\n" + status.out());
        }
        try (CliProcess status = machine.run("status")) {
            assertTrue(status.out().contains("Encryption key: " + keyFile() + " (it exists, and no keyring answers"
                    + " here: no D-Bus session bus"), status.all());
        }
        try (CliProcess config = machine.run("config")) {
            assertTrue(config.out().contains("MAESTRO_AUTH_KEY_STORE") && config.out().contains("the file exists"),
                    config.all());
            System.out.println("config, key store row: " + config.out().lines()
                    .filter(l -> l.contains("MAESTRO_AUTH_KEY_STORE")).findFirst().orElse(""));
        }
        machine.env.put("MAESTRO_AUTH_KEY_STORE", "keyring");
        try (CliProcess token = machine.run("token", "openai")) {
            assertEquals(8, token.exitCode(60), token.all());
            assertTrue(token.err().contains("cannot be reached: no D-Bus session bus"), token.all());
        }
    }

    @Test
    void aKeyFileOthersMayReadIsRefusedWithTheChmodThatFixesIt() throws Exception {
        machine.env.remove("DBUS_SESSION_BUS_ADDRESS");
        machine.cliLogin();
        Files.setPosixFilePermissions(keyFile(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (CliProcess token = machine.run("token", "openai")) {
            assertEquals(8, token.exitCode(60), token.all());
            assertTrue(token.err().contains("chmod 600 " + keyFile()), token.all());
            assertEquals(1, token.err().strip().lines().count(), token.all());
        }
        Files.setPosixFilePermissions(keyFile(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        try (CliProcess token = machine.run("token", "openai")) {
            assertEquals(0, token.exitCode(60), token.all());
        }
    }
}
