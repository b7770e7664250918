package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/**
 * The store changed behind maestro-auth's back, as users and their backups do it: a deleted key
 * file, an older copy of a row put back, a row a newer version wrote. Each ends in a typed line and
 * a way out, with nothing spent at the provider.
 */
class TamperedStoreTest extends OnAUsersMachine {

    private int run(String... args) throws Exception {
        try (CliProcess cli = CliProcess.start(machine.env, args)) {
            int code = cli.exitCode(60);
            last = cli.all();
            return code;
        }
    }

    private String last;

    @Test
    void aDeletedKeyFileIsNeverSilentlyReplacedAndNoCodeIsSpentOnALoginThatCannotBeStored() throws Exception {
        machine.env.remove("MAESTRO_AUTH_ENCRYPTION_KEY");
        machine.cliLogin();
        Path keyFile = machine.data.resolve("encryption.key");
        Files.delete(keyFile);

        assertEquals(8, run("token", "openai"), last);
        assertTrue(last.contains("encryption.key is missing") && last.contains("logout openai"), last);
        assertEquals(0, run("status"), last);
        assertTrue(last.contains("unreadable"), last);
        int codesBefore = machine.fake.authorizationCodeGrants.get();
        assertEquals(8, run("login", "openai", "--no-browser", "--timeout", "30"), last);
        assertFalse(last.contains("/oauth/authorize"), "the user was sent to sign in for nothing: " + last);
        assertEquals(codesBefore, machine.fake.authorizationCodeGrants.get());
        assertFalse(Files.exists(keyFile), "a fresh key hides the lost one");

        assertEquals(0, run("logout", "openai"), last);
        machine.cliLogin();
        assertTrue(Files.exists(keyFile));
        assertEquals(0, run("token", "openai"), last);
    }

    @Test
    void anOlderCopyOfTheRowPutBackIsRefusedBeforeItsSpentRefreshTokenIsSent() throws Exception {
        machine.cliLogin();
        byte[] older = credentials(null);
        assertEquals(0, run("refresh", "openai"), last);

        credentials(older);

        int refreshesBefore = machine.fake.refreshGrants.get();
        assertEquals(8, run("refresh", "openai"), last);
        assertTrue(last.contains("older copy"), last);
        assertEquals(refreshesBefore, machine.fake.refreshGrants.get());
        assertEquals(0, machine.fake.reusedRefreshTokens.get());
    }

    @Test
    void statusShowsARowANewerVersionWroteAndGoesOn() throws Exception {
        machine.onPostgres();
        machine.cliLogin();
        try (Connection db = postgres(); PreparedStatement insert = db.prepareStatement("INSERT INTO"
                + " account_credentials (provider, account, auth_type, credentials, key_id, created_at, updated_at,"
                + " version) VALUES ('GEMINI', 'acct-g', 'OAUTH', ?, 'k1', now(), now(), 1)")) {
            insert.setBytes(1, new byte[] {1});
            insert.executeUpdate();
        }

        assertEquals(0, run("status"), last);
        assertTrue(last.matches("(?s).*openai\\s+ada \\*\\s+oauth\\s+ada@example.com.*"), last);
        assertTrue(last.matches("(?s).*gemini\\s+-\\s+oauth.*unknown to this version.*"), last);
        assertEquals(0, run("status", "--json"), last);
        assertTrue(last.contains("\"provider\" : \"gemini\"") && last.contains("\"state\" : \"unknown_version\""),
                last);
        assertEquals(0, run("token", "openai"), last);
    }

    private Connection postgres() throws Exception {
        return DriverManager.getConnection(machine.env.get("MAESTRO_AUTH_DB_URL"), machine.env.get("MAESTRO_AUTH_DB_USER"),
                "");
    }

    /** Reads the OpenAI row's ciphertext from the embedded file, or writes {@code replacement} there. */
    private byte[] credentials(byte[] replacement) throws Exception {
        String url = "jdbc:h2:file:" + machine.data.resolve("credentials") + ";DB_CLOSE_ON_EXIT=FALSE";
        try (Connection db = DriverManager.getConnection(url, "maestro", "")) {
            if (replacement != null) {
                try (PreparedStatement update = db.prepareStatement("UPDATE account_credentials SET credentials = ?"
                        + " WHERE provider = 'OPENAI'")) {
                    update.setBytes(1, replacement);
                    assertEquals(1, update.executeUpdate());
                }
                return replacement;
            }
            try (ResultSet row = db.createStatement().executeQuery("SELECT credentials FROM account_credentials"
                    + " WHERE provider = 'OPENAI'")) {
                assertTrue(row.next());
                return row.getBytes(1);
            }
        }
    }
}
