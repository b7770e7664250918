package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two accounts of one provider, both due, asked for by real `maestro-auth token --account` processes
 * started together. The server revokes a whole login on any reuse of a refresh token (RFC 9700
 * §4.14.2). Apart from {@link CliStormTest} so that the two run in separate forks.
 */
class AccountStormTest extends OnAUsersMachine {

    @BeforeEach
    void slowRefreshesAndShortLogins() {
        machine.fake.loginLifetime = Duration.ofSeconds(60);
        machine.fake.refreshLatency = Duration.ofMillis(400);
    }

    @Test
    void embeddedStoreTwoAccountsFiveRoundsOfFourProcessesEach() throws Exception {
        stormOfTwoAccounts(5, 4);
    }

    @Test
    void postgresTwoAccountsFiveRoundsOfFourProcessesEach() throws Exception {
        machine.onPostgres();
        stormOfTwoAccounts(5, 4);
    }

    /**
     * Both accounts due at once: each round starts {@code perAccount} processes for each account
     * together. Each account must see exactly one refresh per round (its own single-flight and lock),
     * and each process must print its own account's token.
     */
    private void stormOfTwoAccounts(int rounds, int perAccount) throws Exception {
        FakeAuthorizationServer fake = machine.fake;
        List<FakeAuthorizationServer.User> users = List.of(AccountsTest.ADA, AccountsTest.BOB);
        for (FakeAuthorizationServer.User user : users) {
            try (CliProcess login = machine.cliLoginAs(user)) {
                assertEquals(0, login.exitCode(1), login.all());
            }
        }
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            long skew = 1000L * (round + 1);
            machine.env.put("MAESTRO_AUTH_REFRESH_SKEW_SECONDS", String.valueOf(skew));
            fake.refreshLifetime = Duration.ofSeconds(skew + 500);
            java.util.Map<String, Integer> before = new java.util.HashMap<>();
            List<CliProcess> storm = new ArrayList<>();
            List<String> accountOf = new ArrayList<>();
            for (FakeAuthorizationServer.User user : users) {
                before.put(user.accountId(), fake.refreshGrantsOf(user.accountId()));
            }
            for (int i = 0; i < perAccount; i++) {
                for (FakeAuthorizationServer.User user : users) {
                    storm.add(CliProcess.start(machine.env, "token", "openai", "--account", user.accountId()));
                    accountOf.add(user.accountId());
                }
            }
            for (int i = 0; i < storm.size(); i++) {
                CliProcess process = storm.get(i);
                int code = process.exitCode(120);
                String expected = fake.lastAccessTokenByAccount.get(accountOf.get(i));
                if (code != 0) {
                    failures.add("round " + round + ": exit " + code + " " + process.all());
                } else if (!process.out().trim().equals(expected)) {
                    failures.add("round " + round + ": a process of " + accountOf.get(i) + " printed another token");
                }
            }
            assertEquals(List.of(), failures, "processes that failed");
            for (FakeAuthorizationServer.User user : users) {
                assertEquals(1, fake.refreshGrantsOf(user.accountId()) - before.get(user.accountId()),
                        "refresh grants of " + user.accountId() + " in round " + round);
            }
        }
        System.out.printf("CLI storm of two accounts (%s): %d rounds x %d processes per account, refresh grants %s,"
                + " %d reused, %d logins revoked, %d processes failed%n",
                machine.env.containsKey("MAESTRO_AUTH_DB_URL") ? "postgres" : "embedded", rounds, perAccount,
                fake.refreshGrantsByAccount, fake.reusedRefreshTokens.get(), fake.revokedFamilies.get(),
                failures.size());
        assertEquals(0, fake.reusedRefreshTokens.get(), "refresh_token_reused answers");
        assertEquals(0, fake.revokedFamilies.get(), "logins revoked by reuse detection");
    }
}
