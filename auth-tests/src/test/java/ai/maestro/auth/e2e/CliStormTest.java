package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What users do: several `maestro-auth token openai` started at once after the access token is
 * due, each a real process that starts, refreshes or waits, prints and exits. The server revokes a
 * whole login on any reuse of a refresh token (RFC 9700 §4.14.2), so one duplicate refresh would
 * log the user out.
 */
class CliStormTest extends OnAUsersMachine {

    @BeforeEach
    void slowRefreshesAndShortLogins() {
        // Every login is already inside the refresh skew, so every `token` wants a refresh.
        machine.fake.loginLifetime = Duration.ofSeconds(60);
        machine.fake.refreshLatency = Duration.ofMillis(400);
    }

    @Test
    void embeddedStoreTenRoundsOfFourProcesses() throws Exception {
        storm(10, 4);
    }

    @Test
    void embeddedStoreFiveRoundsOfEightProcesses() throws Exception {
        storm(5, 8);
    }

    @Test
    void postgresThreeMachinesOfFourProcessesTenRounds() throws Exception {
        machine.onPostgres();
        storm(10, 4, machine.otherMachines(3), false);
    }

    @Test
    void postgresThreeMachinesOfFourProcessesTenRoundsWithEverySessionCutOnceARound() throws Exception {
        machine.onPostgres();
        storm(10, 4, machine.otherMachines(3), true);
    }

    private void storm(int rounds, int processes) throws Exception {
        storm(rounds, processes, List.of(machine.env), false);
    }

    /**
     * {@code rounds} rounds of {@code processes} `token openai` on each of {@code machines}; with
     * {@code cut}, every database session of the store is cut once a round at a random moment.
     */
    private void storm(int rounds, int processes, List<Map<String, String>> machines, boolean cut)
            throws Exception {
        FakeAuthorizationServer fake = machine.fake;
        List<String> failures = new ArrayList<>();
        int cuts = 0;
        int roundsCut = 0;
        machine.cliLogin();
        for (int round = 0; round < rounds; round++) {
            // One login serves every round: round r runs with a refresh skew of r+1 thousand seconds and
            // the server issues tokens for 500 s more than that, so the token the previous round
            // stored is due (inside this round's skew) and the one this round refreshes is not.
            long skew = 1000L * (round + 1);
            fake.refreshLifetime = Duration.ofSeconds(skew + 500);
            int grantsBefore = fake.refreshGrants.get();
            List<CliProcess> storm = new ArrayList<>();
            for (Map<String, String> env : machines) {
                env.put("MAESTRO_AUTH_REFRESH_SKEW_SECONDS", String.valueOf(skew));
                for (int i = 0; i < processes; i++) {
                    storm.add(CliProcess.start(env, "token", "openai"));
                }
            }
            if (cut) {
                // At a random moment once the round's processes use the database: before, during or
                // after the refresh, whoever holds what.
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (machine.databaseSessions() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(ThreadLocalRandom.current().nextLong(0, 800));
                int cutNow = machine.cutDatabaseSessions();
                cuts += cutNow;
                roundsCut += cutNow > 0 ? 1 : 0;
            }
            Set<String> printed = new HashSet<>();
            for (CliProcess process : storm) {
                int code = process.exitCode(120);
                if (code != 0) {
                    failures.add("round " + round + ": exit " + code + " " + process.all());
                } else if (!process.err().isEmpty()) {
                    failures.add("round " + round + ": printed on stderr " + process.all());
                } else {
                    printed.add(process.out().trim());
                }
            }
            assertEquals(List.of(), failures, "processes that failed");
            assertEquals(1, fake.refreshGrants.get() - grantsBefore, "refresh grants in round " + round);
            assertEquals(Set.of(fake.lastAccessToken), printed, "every process prints the refreshed token");
        }
        System.out.printf("CLI storm (%s): %d rounds x %d machines x %d processes, %d sessions cut, %d refresh"
                + " grants, %d reused, %d logins revoked, %d processes failed%n",
                machine.env.containsKey("MAESTRO_AUTH_DB_URL") ? "postgres" : "embedded", rounds, machines.size(),
                processes, cuts, fake.refreshGrants.get(), fake.reusedRefreshTokens.get(),
                fake.revokedFamilies.get(), failures.size());
        assertEquals(0, fake.reusedRefreshTokens.get(), "refresh_token_reused answers");
        if (cut) {
            assertTrue(roundsCut >= rounds / 2, "sessions were cut in " + roundsCut + " rounds of " + rounds);
        }
        assertEquals(0, fake.revokedFamilies.get(), "logins revoked by reuse detection");
    }
}
