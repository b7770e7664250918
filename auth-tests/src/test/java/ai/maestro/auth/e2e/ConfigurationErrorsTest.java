package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every way the configuration or the store can be wrong before a command starts, run as a user runs
 * it: one line that names the problem and the way out, the documented exit code, no exception name.
 */
class ConfigurationErrorsTest extends OnAUsersMachine {

    /** One broken machine: what to set, what to break on disk, and what the user must read. */
    private record Case(String name, Map<String, String> env, String file, byte[] content, int exit, String says) {
    }

    @Test
    void eachMistakeIsOneLineWithItsExitCodeAndNoExceptionName() throws Exception {
        String dataDir = machine.data.toString();
        List<Case> cases = List.of(
                new Case("garbage key", Map.of("MAESTRO_AUTH_ENCRYPTION_KEY", "garbage"), null, null, 7,
                        "MAESTRO_AUTH_ENCRYPTION_KEY must be base64 of exactly 32 bytes"),
                new Case("16-byte key", Map.of("MAESTRO_AUTH_ENCRYPTION_KEY", base64(16)), null, null, 7,
                        "MAESTRO_AUTH_ENCRYPTION_KEY must be base64 of exactly 32 bytes"),
                new Case("31-byte key", Map.of("MAESTRO_AUTH_ENCRYPTION_KEY", base64(31)), null, null, 7,
                        "exactly 32 bytes"),
                new Case("home is a file", Map.of("MAESTRO_AUTH_HOME", home.resolve("a-file").toString()), "../a-file",
                        new byte[] {1}, 7, "is a file, not a directory"),
                new Case("home cannot be created", Map.of("MAESTRO_AUTH_HOME", "/proc/maestro-auth"), null, null, 8,
                        "cannot be created"),
                new Case("mysql URL", Map.of("MAESTRO_AUTH_DB_URL", "jdbc:mysql://127.0.0.1/test"), null, null, 7,
                        "must be a jdbc:postgresql: URL"),
                new Case("PostgreSQL down", Map.of("MAESTRO_AUTH_DB_URL", "jdbc:postgresql://127.0.0.1:1/test"), null,
                        null, 8, "cannot be reached"),
                new Case("skew not a number", Map.of("MAESTRO_AUTH_REFRESH_SKEW_SECONDS", "abc"), null, null, 7,
                        "MAESTRO_AUTH_REFRESH_SKEW_SECONDS must be a whole number"),
                new Case("negative skew", Map.of("MAESTRO_AUTH_REFRESH_SKEW_SECONDS", "-1"), null, null, 7,
                        "from 0 to 86400"),
                new Case("corrupt H2 file", Map.of(), "credentials.mv.db", "not an H2 file at all".getBytes(), 8,
                        "is damaged or is not a maestro-auth store"),
                new Case("truncated H2 file", Map.of(), "credentials.mv.db", new byte[4096], 8, "is damaged"),
                new Case("empty key file", Map.of("MAESTRO_AUTH_ENCRYPTION_KEY", ""), "encryption.key", new byte[0], 8,
                        "encryption.key is not valid"),
                new Case("31-byte key file", Map.of("MAESTRO_AUTH_ENCRYPTION_KEY", ""), "encryption.key",
                        base64(31).getBytes(), 8, "encryption.key is not valid"),
                // A good key, but copied 0644: refused as ssh refuses an unprotected private key.
                new Case("key file others may read", Map.of("MAESTRO_AUTH_ENCRYPTION_KEY", "", "KEY_MODE", "rw-r--r--"),
                        "encryption.key", ("k1:" + base64(32)).getBytes(), 8, "chmod 600"));
        List<String> results = new ArrayList<>();
        for (Case c : cases) {
            Path data = Files.createDirectories(home.resolve("case-" + results.size()).resolve("data"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Map<String, String> env = new java.util.HashMap<>(machine.env);
            env.put("MAESTRO_AUTH_HOME", data.toString());
            env.putAll(c.env());
            if (c.file() != null) {
                Path file = data.resolve(c.file()).normalize();
                Files.write(file, c.content());
                if (c.file().equals("encryption.key")) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(
                            c.env().getOrDefault("KEY_MODE", "rw-------")));
                }
                if (c.file().startsWith("..")) {
                    env.put("MAESTRO_AUTH_HOME", file.toString());
                }
            }
            try (CliProcess status = CliProcess.start(env, "status")) {
                int exit = status.exitCode(60);
                String err = status.err();
                results.add(c.name() + " -> " + exit + ": " + err.strip());
                assertEquals(c.exit(), exit, c.name() + ": " + status.all());
                assertEquals(1, err.lines().count(), c.name() + ": " + err);
                assertTrue(err.contains(c.says()), c.name() + ": " + err);
                assertFalse(err.contains("Exception") || err.contains("unexpected"), c.name() + ": " + err);
            }
        }
        System.out.println("configuration errors:\n" + String.join("\n", results) + "\n(data directory " + dataDir + ")");
    }

    @Test
    void configListsEveryProblemAtOnce() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(machine.env);
        Path file = Files.writeString(home.resolve("a-file"), "x");
        env.putAll(Map.of("MAESTRO_AUTH_ENCRYPTION_KEY", "garbage", "MAESTRO_AUTH_HOME", file.toString(),
                "MAESTRO_AUTH_DB_URL", "jdbc:mysql://x/y", "MAESTRO_AUTH_REFRESH_SKEW_SECONDS", "-1"));
        try (CliProcess config = CliProcess.start(env, "config")) {
            assertEquals(7, config.exitCode(60), config.all());
            for (String variable : List.of("MAESTRO_AUTH_ENCRYPTION_KEY must", "MAESTRO_AUTH_HOME (", "MAESTRO_AUTH_DB_URL must",
                    "MAESTRO_AUTH_REFRESH_SKEW_SECONDS must")) {
                assertTrue(config.out().contains("  - " + variable), variable + " not listed: " + config.out());
            }
            assertFalse(config.all().contains("garbage"), "the key's value was shown");
        }
    }

    @Test
    void verboseSaysWhatACommandDid() throws Exception {
        try (CliProcess status = CliProcess.start(machine.env, "--verbose", "status")) {
            assertEquals(3, status.exitCode(60), status.all());
            assertTrue(status.err().contains("DEBUG") && status.err().contains("Opened the credential store"),
                    status.all());
            // Our own lines only: no library's start-up chatter (Micrometer announced its logging here).
            status.err().lines().filter(line -> line.contains(" DEBUG ") || line.contains(" INFO "))
                    .forEach(line -> assertTrue(line.contains(" ai.maestro."), "a library's line: " + line));
        }
    }

    @Test
    void aUsageErrorIsOneLineWithTheWayToHelp() throws Exception {
        try (CliProcess typo = CliProcess.start(machine.env, "tokn", "openai")) {
            assertEquals(2, typo.exitCode(60), typo.all());
            assertEquals("maestro-auth: Unmatched arguments from index 0: 'tokn', 'openai'. Did you mean: token? (see:"
                    + " maestro-auth --help)", typo.err().strip());
        }
        try (CliProcess help = CliProcess.start(machine.env, "--help")) {
            assertEquals(0, help.exitCode(60), help.all());
            assertFalse(help.all().contains("WARN"), "--help complains about its own text: " + help.all());
        }
        try (CliProcess missing = CliProcess.start(machine.env, "login")) {
            assertEquals(2, missing.exitCode(60), missing.all());
            assertEquals(1, missing.err().lines().count(), missing.err());
            assertTrue(missing.err().contains("(see: maestro-auth login --help)"), missing.err());
        }
    }

    @Test
    void apiKeyAdviceIsTrueForEachProvider() throws Exception {
        try (CliProcess token = CliProcess.start(machine.env, "token", "anthropic", "--api-key")) {
            assertEquals(3, token.exitCode(60), token.all());
            assertTrue(token.err().contains("maestro-auth token anthropic") && !token.err().contains("api-key anthropic"),
                    token.err());
        }
        try (CliProcess apiKey = CliProcess.start(machine.env, "api-key", "anthropic")) {
            assertEquals(2, apiKey.exitCode(60), apiKey.all());
            assertTrue(apiKey.err().contains("only OpenAI"), apiKey.err());
        }
        try (CliProcess help = CliProcess.start(machine.env, "api-key", "--help")) {
            assertEquals(0, help.exitCode(60), help.all());
            assertFalse(help.out().contains("openai or anthropic"), help.out());
        }
        try (CliProcess token = CliProcess.start(machine.env, "token", "openai", "--api-key")) {
            assertEquals(3, token.exitCode(60), token.all());
            assertTrue(token.err().contains("maestro-auth api-key openai"), token.err());
        }
    }

    private static String base64(int bytes) {
        return Base64.getEncoder().encodeToString(new byte[bytes]);
    }
}
