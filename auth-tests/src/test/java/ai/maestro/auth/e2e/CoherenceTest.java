package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.error.NotLoggedInException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running orchestrator (this JVM) serves a cached token; another process (the CLI) logs out,
 * then logs in as someone else. The orchestrator must follow within 2 s each time.
 */
class CoherenceTest {
    private static final Duration BOUND = Duration.ofSeconds(2);

    @TempDir
    Path home;
    private SharedStoreFixture machine;

    @BeforeEach
    void start() throws Exception {
        machine = new SharedStoreFixture(home);
    }

    @AfterEach
    void stop() {
        machine.close();
    }

    @Test
    void embeddedStore() throws Exception {
        followsAnotherProcess();
    }

    @Test
    void postgres() throws Exception {
        machine.onPostgres();
        followsAnotherProcess();
    }

    private void followsAnotherProcess() throws Exception {
        machine.cliLogin();
        AccessTokenService tokens = machine.injector().getInstance(AccessTokenService.class);
        String first = tokens.validAccessToken(ProviderId.OPENAI).reveal();
        assertEquals(machine.fake.lastAccessToken, first);

        try (CliProcess logout = CliProcess.start(machine.env, "logout", "openai")) {
            assertEquals(0, logout.exitCode(60), logout.all());
        }
        long loggedOut = System.nanoTime();
        Duration noticed = null;
        while (noticed == null && System.nanoTime() - loggedOut < 2 * BOUND.toNanos()) {
            try {
                tokens.validAccessToken(ProviderId.OPENAI);
                Thread.sleep(20);
            } catch (NotLoggedInException e) {
                noticed = Duration.ofNanos(System.nanoTime() - loggedOut);
            }
        }
        assertTrue(noticed != null && noticed.compareTo(BOUND) <= 0, "the logout was noticed after " + noticed);

        machine.fake.email = "grace@example.com";
        machine.cliLogin();
        long loggedIn = System.nanoTime();
        String second = machine.fake.lastAccessToken;
        Duration served = null;
        while (served == null && System.nanoTime() - loggedIn < 2 * BOUND.toNanos()) {
            try {
                if (tokens.validAccessToken(ProviderId.OPENAI).reveal().equals(second)) {
                    served = Duration.ofNanos(System.nanoTime() - loggedIn);
                }
            } catch (NotLoggedInException notYet) {
                // Between the logout and the login.
            }
            Thread.sleep(20);
        }
        assertTrue(served != null && served.compareTo(BOUND) <= 0, "the new login was served after " + served);

        // A login over a cached one, with no logout between: only the change stamp can tell.
        machine.fake.email = "linus@example.com";
        machine.cliLogin();
        long replaced = System.nanoTime();
        String third = machine.fake.lastAccessToken;
        Duration switched = null;
        while (switched == null && System.nanoTime() - replaced < 2 * BOUND.toNanos()) {
            if (tokens.validAccessToken(ProviderId.OPENAI).reveal().equals(third)) {
                switched = Duration.ofNanos(System.nanoTime() - replaced);
            }
            Thread.sleep(20);
        }
        assertTrue(switched != null && switched.compareTo(BOUND) <= 0, "the replacing login was served after "
                + switched);
        System.out.printf("coherence (%s): logout noticed after %d ms, new login after %d ms, replacing login"
                + " after %d ms%n", machine.env.containsKey("MAESTRO_AUTH_DB_URL") ? "postgres" : "embedded",
                noticed.toMillis(), served.toMillis(), switched.toMillis());
    }
}
