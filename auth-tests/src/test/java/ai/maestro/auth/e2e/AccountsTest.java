package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Several accounts of one provider, as a user with a personal and a work workspace meets them:
 * real CLI processes against a fake that signs in as different users, two of whom share an e-mail
 * in different workspaces.
 */
class AccountsTest extends OnAUsersMachine {
    static final FakeAuthorizationServer.User ADA = new FakeAuthorizationServer.User("acct-ada", "ada@example.com",
            "pro");
    static final FakeAuthorizationServer.User BOB = new FakeAuthorizationServer.User("acct-bob", "bob@example.com",
            "plus");
    static final FakeAuthorizationServer.User CAROL_HOME = new FakeAuthorizationServer.User("acct-carol-1",
            "carol@example.com", "plus");
    static final FakeAuthorizationServer.User CAROL_WORK = new FakeAuthorizationServer.User("acct-carol-2",
            "carol@example.com", "team");
    private static final ObjectMapper JSON = new ObjectMapper();

    private String login(FakeAuthorizationServer.User user, String... extra) throws Exception {
        try (CliProcess login = machine.cliLoginAs(user, extra)) {
            assertEquals(0, login.exitCode(1), login.all());
            return login.out();
        }
    }

    private CliProcess run(String... args) throws Exception {
        return machine.run(args);
    }

    private String token(String... account) throws Exception {
        List<String> args = new ArrayList<>(List.of("token", "openai"));
        args.addAll(List.of(account));
        try (CliProcess token = run(args.toArray(String[]::new))) {
            assertEquals(0, token.exitCode(1), token.all());
            return token.out().trim();
        }
    }

    private JsonNode status() throws Exception {
        try (CliProcess status = run("status", "--json")) {
            assertEquals(0, status.exitCode(1), status.all());
            return JSON.readTree(status.out());
        }
    }

    @Test
    void twoAccountsLiveSideBySideAndEachCommandActsOnTheOneItNames() throws Exception {
        String first = login(ADA);
        assertTrue(first.contains("account ada (the default)"), first);
        String second = login(BOB);
        assertTrue(second.contains("account bob."), second);
        String adaToken = machine.fake.lastAccessTokenByAccount.get("acct-ada");
        String bobToken = machine.fake.lastAccessTokenByAccount.get("acct-bob");

        JsonNode rows = status();
        assertEquals(2, rows.size(), rows.toString());
        assertEquals("ada", rows.get(0).path("label").asText());
        assertTrue(rows.get(0).path("default").asBoolean());
        assertEquals("ada@example.com", rows.get(0).path("account").asText());
        assertEquals("pro", rows.get(0).path("plan").asText());
        assertEquals("bob", rows.get(1).path("label").asText());
        assertFalse(rows.get(1).path("default").asBoolean());
        try (CliProcess table = run("status")) {
            assertTrue(table.out().contains("ada *"), table.out());
            assertFalse(table.out().contains("bob *"), table.out());
        }

        assertEquals(adaToken, token(), "the default account");
        assertEquals(bobToken, token("--account", "bob"));
        assertEquals(bobToken, token("--account", "bob@example.com"), "by e-mail");
        assertEquals(adaToken, token("--account", "acct-ada"), "by account id");
        machine.env.put("MAESTRO_AUTH_ACCOUNT", "bob");
        assertEquals(bobToken, token(), "MAESTRO_AUTH_ACCOUNT");
        machine.env.remove("MAESTRO_AUTH_ACCOUNT");

        try (CliProcess use = run("use", "openai", "bob")) {
            assertEquals(0, use.exitCode(1), use.all());
            assertTrue(use.out().contains("The default OpenAI account is now bob."), use.out());
        }
        assertEquals(bobToken, token(), "`use` moved the default");

        // A login as an account already stored replaces that account only.
        login(ADA);
        String adaAgain = machine.fake.lastAccessTokenByAccount.get("acct-ada");
        assertFalse(adaAgain.equals(adaToken));
        assertEquals(2, status().size());
        assertEquals(adaAgain, token("--account", "ada"));
        assertEquals(bobToken, token("--account", "bob"));
        assertEquals(1, machine.fake.revocations.size(), "only Ada's replaced refresh token was revoked");

        try (CliProcess logout = run("logout", "openai")) {
            assertEquals(2, logout.exitCode(1), logout.all());
            assertTrue(logout.err().contains("ada, bob"), logout.err());
            assertEquals(1, logout.err().trim().lines().count(), logout.err());
        }
        try (CliProcess logout = run("logout", "openai", "--account", "bob")) {
            assertEquals(0, logout.exitCode(1), logout.all());
        }
        assertEquals(2, machine.fake.revocations.size());
        assertFalse(machine.fake.loginAlive("acct-bob"), "Bob's refresh token was revoked");
        assertTrue(machine.fake.loginAlive("acct-ada"), "Ada's was not");
        assertEquals(adaAgain, token(), "Ada is the default again, and still works");
        try (CliProcess refresh = run("refresh", "openai")) {
            assertEquals(0, refresh.exitCode(1), refresh.all());
        }
        assertEquals(1, status().size());
        try (CliProcess all = run("logout", "openai", "--all")) {
            assertEquals(0, all.exitCode(1), all.all());
        }
        try (CliProcess status = run("status")) {
            assertEquals(3, status.exitCode(1), status.all());
        }
    }

    @Test
    void oneEmailInTwoWorkspacesIsTwoAccountsAndAnAmbiguousNameListsTheLabels() throws Exception {
        login(CAROL_HOME);
        String work = login(CAROL_WORK);
        assertTrue(work.contains("account carol-2."), work);

        try (CliProcess ambiguous = run("token", "openai", "--account", "carol@example.com")) {
            assertEquals(3, ambiguous.exitCode(1), ambiguous.all());
            assertEquals("", ambiguous.out());
            assertTrue(ambiguous.err().contains("More than one openai account matches 'carol@example.com'; stored:"
                    + " carol, carol-2."), ambiguous.err());
        }
        try (CliProcess unknown = run("token", "openai", "--account", "dave")) {
            assertEquals(3, unknown.exitCode(1), unknown.all());
            assertTrue(unknown.err().contains("No openai account matches 'dave'; stored: carol, carol-2."),
                    unknown.err());
        }
        assertEquals(machine.fake.lastAccessTokenByAccount.get("acct-carol-2"), token("--account", "carol-2"));

        // A label of the user's choosing, given at login; a taken one is refused before anything is stored.
        login(BOB, "--account", "work-bob");
        assertEquals(List.of("carol", "carol-2", "work-bob"), labels());
        try (CliProcess bad = machine.cliLoginAs(ADA, "--account", "Not A Label")) {
            assertEquals(2, bad.exitCode(1), bad.all());
        }
        assertEquals(List.of("carol", "carol-2", "work-bob"), labels());
    }

    private List<String> labels() throws Exception {
        List<String> labels = new ArrayList<>();
        status().forEach(row -> labels.add(row.path("label").asText()));
        return labels;
    }

    @Test
    void aCiphertextMovedToAnotherAccountsRowIsRefused() throws Exception {
        machine.onPostgres();
        login(ADA);
        login(BOB);
        String url = machine.env.get("MAESTRO_AUTH_DB_URL");
        try (Connection db = DriverManager.getConnection(url, machine.env.get("MAESTRO_AUTH_DB_USER"), "")) {
            // Both rows are at version 1: only the account in the associated data tells them apart.
            db.createStatement().execute("UPDATE account_credentials SET credentials = (SELECT credentials FROM"
                    + " account_credentials WHERE account = 'acct-ada') WHERE account = 'acct-bob'");
        }
        try (CliProcess token = run("token", "openai", "--account", "bob")) {
            assertEquals(8, token.exitCode(1), token.all());
            assertEquals("", token.out());
            assertTrue(token.err().contains("does not decrypt"), token.err());
        }
        assertEquals(machine.fake.lastAccessTokenByAccount.get("acct-ada"), token("--account", "ada"));
    }

    @Test
    void aStoreFromBeforeAccountsServesItsSignInAsTheDefaultAccountWithNoNewLogin() throws Exception {
        // The sign-in a release before accounts stored (its fixture is built from that release's schema).
        java.time.Instant now = java.time.Instant.now();
        String idToken = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{}".getBytes())
                + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"email\":"
                + "\"grace.hopper@example.com\",\"https://api.openai.com/auth\":{\"chatgpt_account_id\":"
                + "\"acct-grace\",\"chatgpt_plan_type\":\"pro\"}}").getBytes()) + ".c2ln";
        ai.maestro.auth.domain.OAuthToken old = new ai.maestro.auth.domain.OAuthToken(
                ai.maestro.auth.domain.Secret.of("at-from-before-accounts"),
                java.util.Optional.of(ai.maestro.auth.domain.Secret.of("rt-from-before-accounts")),
                java.util.Optional.of(ai.maestro.auth.domain.Secret.of(idToken)), "Bearer", List.of(),
                java.util.Optional.of(now.plusSeconds(3600)), now);
        ai.maestro.auth.adapter.outbound.persistence.StoreBeforeAccounts.write(machine.data, machine.env, old);

        assertEquals("at-from-before-accounts", token());
        JsonNode rows = status();
        assertEquals(1, rows.size(), rows.toString());
        assertEquals("grace.hopper", rows.get(0).path("label").asText());
        assertTrue(rows.get(0).path("default").asBoolean());
        assertEquals("pro", rows.get(0).path("plan").asText());

        // A second account joins it; the moved sign-in keeps working.
        login(BOB);
        assertEquals("at-from-before-accounts", token("--account", "grace.hopper"));
        assertEquals(2, status().size());
    }
}
