package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.error.NotLoggedInException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A running orchestrator (this JVM) serves a cached token; another process (the CLI) logs out,
 * logs in as someone else, then logs in over that login. The orchestrator must follow within 2 s
 * each time.
 */
class CoherenceTest extends OnAUsersMachine {
    private static final Duration BOUND = Duration.ofSeconds(2);

    @Test
    void embeddedStore() throws Exception {
        followsAnotherProcess();
    }

    @Test
    void postgres() throws Exception {
        machine.onPostgres();
        followsAnotherProcess();
    }

    @Test
    void anEmbedderFollowingTheDefaultSeesUseAndAPinnedOneStays() throws Exception {
        for (FakeAuthorizationServer.User user : List.of(AccountsTest.ADA, AccountsTest.BOB)) {
            try (CliProcess login = machine.cliLoginAs(user)) {
                assertEquals(0, login.exitCode(1), login.all());
            }
        }
        String ada = machine.fake.lastAccessTokenByAccount.get("acct-ada");
        String bob = machine.fake.lastAccessTokenByAccount.get("acct-bob");
        AccessTokenService tokens = machine.injector().getInstance(AccessTokenService.class);
        CredentialKey pinned = CredentialKey.oauth(ProviderId.OPENAI, "acct-ada");
        assertEquals(ada, tokens.validAccessToken(ProviderId.OPENAI).reveal());
        assertEquals(ada, tokens.validAccessToken(pinned).reveal());

        try (CliProcess use = CliProcess.start(machine.env, "use", "openai", "bob")) {
            assertEquals(0, use.exitCode(60), use.all());
        }
        Duration followed = within(() -> tokens.validAccessToken(ProviderId.OPENAI).reveal().equals(bob),
                "the `use`");

        assertEquals(ada, tokens.validAccessToken(pinned).reveal(), "the pinned embedder stays on its account");
        System.out.printf("coherence (embedded): `use` followed after %d ms; the pinned account did not move%n",
                followed.toMillis());
    }

    private void followsAnotherProcess() throws Exception {
        machine.cliLogin();
        AccessTokenService tokens = machine.injector().getInstance(AccessTokenService.class);
        assertEquals(machine.fake.lastAccessToken, tokens.validAccessToken(ProviderId.OPENAI).reveal());

        try (CliProcess logout = CliProcess.start(machine.env, "logout", "openai")) {
            assertEquals(0, logout.exitCode(60), logout.all());
        }
        Duration loggedOut = within(() -> {
            try {
                tokens.validAccessToken(ProviderId.OPENAI);
                return false;
            } catch (NotLoggedInException e) {
                return true;
            }
        }, "the logout");

        machine.fake.email = "grace@example.com";
        machine.cliLogin();
        String second = machine.fake.lastAccessToken;
        Duration loggedIn = within(() -> {
            try {
                return tokens.validAccessToken(ProviderId.OPENAI).reveal().equals(second);
            } catch (NotLoggedInException notYet) {
                return false;
            }
        }, "the new login");

        // A login over a cached one, with no logout between: only the change stamp can tell.
        machine.fake.email = "linus@example.com";
        machine.cliLogin();
        String third = machine.fake.lastAccessToken;
        Duration replaced = within(() -> tokens.validAccessToken(ProviderId.OPENAI).reveal().equals(third),
                "the replacing login");

        System.out.printf("coherence (%s): logout noticed after %d ms, new login after %d ms, replacing login"
                + " after %d ms%n", machine.env.containsKey("MAESTRO_AUTH_DB_URL") ? "postgres" : "embedded",
                loggedOut.toMillis(), loggedIn.toMillis(), replaced.toMillis());
    }

    /** Asks every 20 ms until {@code seen} holds; fails unless that happens within {@link #BOUND}. */
    private static Duration within(BooleanSupplier seen, String what) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < 2 * BOUND.toNanos()) {
            if (seen.getAsBoolean()) {
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertTrue(took.compareTo(BOUND) <= 0, what + " was followed after " + took.toMillis() + " ms");
                return took;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(what + " was not followed within " + 2 * BOUND.toSeconds() + " s");
    }
}
