package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Logout (and a login that replaces a sign-in) tells the provider to forget the refresh token, best effort. */
class RevocationTest extends OnAUsersMachine {

    private String storedRefreshToken() throws Exception {
        return machine.storedRefreshToken(machine.injector());
    }

    @Test
    void logoutRevokesTheRefreshTokenWithTheExactBodyThenDeletes() throws Exception {
        machine.cliLogin();
        String refreshToken = storedRefreshToken();
        try (CliProcess logout = CliProcess.start(machine.env, "logout", "openai")) {
            assertEquals(0, logout.exitCode(60), logout.all());
            assertTrue(logout.out().contains("OpenAI revoked the refresh token."), logout.out());
        }
        assertEquals(1, machine.fake.revocations.size());
        assertEquals(Map.of("token", refreshToken, "token_type_hint", "refresh_token", "client_id",
                "app_EMoamEEZ73f0CkXaXp7hrann"), machine.fake.revocations.get(0));
        assertTrue(!machine.fake.accepts(refreshToken), "the provider still accepts the revoked token");
    }

    @Test
    void aProviderThatCannotBeToldStillGetsTheLocalCopyDeletedWithOneLine() throws Exception {
        machine.cliLogin();
        machine.fake.revocationFailureStatus = 503;
        try (CliProcess logout = CliProcess.start(machine.env, "logout", "openai")) {
            assertEquals(0, logout.exitCode(60), logout.all());
            assertEquals(1, logout.err().lines().count(), logout.err());
            assertTrue(logout.err().contains("OpenAI could not be told") && logout.err().contains(
                    "the local copy is deleted anyway"), logout.err());
        }
        machine.env.put("OPENAI_OAUTH_REVOCATION_ENDPOINT", "http://127.0.0.1:1/oauth/revoke");
        machine.cliLogin();
        try (CliProcess logout = CliProcess.start(machine.env, "logout", "openai")) {
            assertEquals(0, logout.exitCode(60), logout.all());
            assertTrue(logout.err().contains("could not connect"), logout.err());
        }
        try (CliProcess status = CliProcess.start(machine.env, "status")) {
            assertEquals(3, status.exitCode(60), status.all());
        }
    }

    @Test
    void localOnlySendsNothing() throws Exception {
        machine.cliLogin();
        try (CliProcess logout = CliProcess.start(machine.env, "logout", "openai", "--local-only")) {
            assertEquals(0, logout.exitCode(60), logout.all());
        }
        assertEquals(0, machine.fake.revocations.size());
    }

    @Test
    void aProviderWithoutARevocationEndpointIsNamedInTheOutput() throws Exception {
        machine.cliLogin();
        machine.env.put("OPENAI_OAUTH_REVOCATION_ENDPOINT", "");
        try (CliProcess logout = CliProcess.start(machine.env, "logout", "openai")) {
            assertEquals(0, logout.exitCode(60), logout.all());
            assertTrue(logout.out().contains("OpenAI offers no revocation endpoint"), logout.out());
        }
        assertEquals(0, machine.fake.revocations.size());
    }

    @Test
    void aNewLoginRevokesTheSignInItReplaces() throws Exception {
        machine.cliLogin();
        String replaced = storedRefreshToken();
        machine.cliLogin();

        assertEquals(1, machine.fake.revocations.size());
        assertEquals(replaced, machine.fake.revocations.get(0).get("token"));
        assertTrue(machine.fake.accepts(storedRefreshToken()), "the new sign-in was revoked");
    }
}
