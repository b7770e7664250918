package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.app.wiring.MaestroAuthConfig;
import ai.maestro.auth.app.wiring.MaestroAuthModule;
import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.domain.ProviderId;
import com.google.inject.Guice;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Machines sharing one PostgreSQL store (processes with data directories of their own, one
 * database, one key) while the refresh's database sessions die under it. The fake revokes a whole
 * login on any reuse of a refresh token (RFC 9700), so one duplicate refresh logs the user out.
 */
class RefreshLeaseTest extends OnAUsersMachine {
    /** The fake holds every refresh this long before answering. */
    private static final long ANSWER_DELAY_MILLIS = 3000;

    @BeforeEach
    void sharedPostgresStore() throws Exception {
        machine.onPostgres();
        // Every login is inside the refresh skew, so every `token` wants a refresh.
        machine.fake.loginLifetime = Duration.ofSeconds(60);
        machine.cliLogin();
    }

    @Test
    void theHoldersSessionsDieWhileItsRequestIsInFlightAndNineProcessesOnThreeMachinesServeItsToken()
            throws Exception {
        CountDownLatch inFlight = new CountDownLatch(1);
        machine.fake.refreshArrives = () -> {
            if (inFlight.getCount() > 0) {
                int cut = machine.cutDatabaseSessions();
                System.out.println("cut " + cut + " database sessions while the refresh was in flight");
                inFlight.countDown();
                // Answer only once the nine others reached the database (each holds a session in its
                // pool) and then some: whatever they do while the request is in flight, they do it.
                waitFor(() -> machine.databaseSessions() >= 9, 60_000);
                sleep(ANSWER_DELAY_MILLIS);
            }
            return true;
        };
        try (CliProcess holder = CliProcess.start(machine.env, "refresh", "openai")) {
            assertTrue(inFlight.await(30, TimeUnit.SECONDS), holder.all());
            List<CliProcess> others = new ArrayList<>();
            for (Map<String, String> other : machine.otherMachines(3)) {
                for (int i = 0; i < 3; i++) {
                    others.add(CliProcess.start(other, "token", "openai"));
                }
            }
            assertEquals(0, holder.exitCode(60), holder.all());
            assertEquals("", holder.err(), "no WARN, no stack trace: " + holder.all());
            for (CliProcess other : others) {
                assertEquals(0, other.exitCode(60), other.all());
                assertEquals(machine.fake.lastAccessToken, other.out().trim(), other.all());
                other.close();
            }
        }
        assertEquals(1, machine.fake.refreshGrants.get(), "refresh grants");
        assertEquals(0, machine.fake.reusedRefreshTokens.get(), "reused refresh tokens");
    }

    /**
     * A holder killed in flight may have had its answer (and journaled it) or not: no other machine can
     * tell. So no other machine sends the refresh token it may have spent: once the lease has ended it
     * says where the tokens may wait, and the next process on the holder's machine takes over at once
     * (the holder is dead there), applies that machine's journal if it holds an answer, and refreshes.
     */
    @Test
    void aHolderKilledInFlightHoldsOthersOffAndOnlyItsOwnMachineTakesTheLeaseOverWhileTheRowIsUnchanged()
            throws Exception {
        // A short request deadline makes a short lease (deadline + margin).
        machine.env.put("MAESTRO_AUTH_HTTP_DEADLINE_SECONDS", "3");
        CliProcess holder = refreshKilledInFlight();
        long killedAt = System.nanoTime();
        Map<String, String> elsewhere = machine.otherMachines(1).get(0);
        try (CliProcess other = CliProcess.start(elsewhere, "token", "openai")) {
            assertEquals(8, other.exitCode(60), other.all());
            assertTrue(other.err().contains("refresh by pid " + holder.pid() + " on machine "), other.err());
            assertTrue(other.err().contains("may wait in that machine's journal"), other.err());
            assertEquals(1, other.err().trim().lines().count(), "one line: " + other.err());
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - killedAt);
        assertTrue(waited.compareTo(Duration.ofSeconds(5)) > 0, "the lease held others off: " + waited);
        assertEquals(0, machine.fake.refreshGrants.get(), "no machine elsewhere sent the refresh token");
        try (CliProcess here = CliProcess.start(machine.env, "--verbose", "token", "openai")) {
            assertEquals(0, here.exitCode(60), here.all());
            assertEquals(machine.fake.lastAccessToken, here.out().trim(), here.all());
            assertTrue(here.err().contains("ended without a result"), here.err());
        }
        try (CliProcess other = CliProcess.start(elsewhere, "token", "openai")) {
            assertEquals(0, other.exitCode(60), other.all());
            assertEquals(machine.fake.lastAccessToken, other.out().trim(), other.all());
        }
        assertEquals(1, machine.fake.refreshGrants.get(), "refresh grants");
        assertEquals(0, machine.fake.reusedRefreshTokens.get(), "reused refresh tokens");
    }

    /**
     * The holder's machine settles a dead holder's lease in its next process, whatever account that
     * process asks for: a machine elsewhere waiting on the lease refreshes at once instead of waiting
     * for the lease to end and then refusing (the answer might wait in the holder's journal).
     */
    @Test
    void theNextProcessOnTheHoldersMachineSettlesItsDeadLeaseWhicheverAccountItAsksFor() throws Exception {
        machine.env.put("MAESTRO_AUTH_HTTP_DEADLINE_SECONDS", "3");
        machine.fake.loginLifetime = Duration.ofHours(1);
        assertEquals(0, machine.cliLoginAs(new FakeAuthorizationServer.User("acct-bob", "bob@example.com", "pro"),
                "--account", "bob").exitCode(5), "bob's login");
        refreshKilledInFlight();
        Map<String, String> elsewhere = machine.otherMachines(1).get(0);
        try (CliProcess waiter = CliProcess.start(elsewhere, "refresh", "openai")) {
            sleep(1500);
            try (CliProcess bob = CliProcess.start(machine.env, "token", "openai", "--account", "bob")) {
                assertEquals(0, bob.exitCode(60), bob.all());
                assertEquals("", bob.err(), "settling another account's lease is quiet: " + bob.all());
            }
            assertEquals(0, waiter.exitCode(60), "the waiter elsewhere refreshed: " + waiter.all());
            assertEquals("", waiter.err(), waiter.all());
        }
        assertEquals(1, machine.fake.refreshGrants.get(), "refresh grants");
        assertEquals(0, machine.fake.reusedRefreshTokens.get(), "reused refresh tokens");
    }

    /**
     * A lease that has just ended elsewhere is most often settled a moment later by the next process on
     * its holder's machine (a killed process's loop starts another, a settler with a short lease dies):
     * a waiter here gives that machine a few seconds before it says where the tokens may wait.
     */
    @Test
    void aLeaseThatJustEndedElsewhereIsWaitedOnUntilItsMachineSettlesIt() throws Exception {
        machine.env.put("MAESTRO_AUTH_HTTP_DEADLINE_SECONDS", "3");
        refreshKilledInFlight();
        waitFor(() -> machine.endedLeases() == 1, 30_000);
        assertEquals(1, machine.endedLeases(), "the dead holder's lease ended");
        Map<String, String> elsewhere = machine.otherMachines(1).get(0);
        try (CliProcess waiter = CliProcess.start(elsewhere, "token", "openai")) {
            // Long enough for the waiter to find the ended lease before the holder's machine runs again.
            sleep(1500);
            try (CliProcess settler = CliProcess.start(machine.env, "token", "openai")) {
                assertEquals(0, settler.exitCode(60), settler.all());
                assertEquals(machine.fake.lastAccessToken, settler.out().trim(), settler.all());
            }
            assertEquals(0, waiter.exitCode(60), "the waiter elsewhere got its token: " + waiter.all());
            assertEquals("", waiter.err(), waiter.all());
            assertEquals(machine.fake.lastAccessToken, waiter.out().trim(), waiter.all());
        }
        assertEquals(1, machine.fake.refreshGrants.get(), "refresh grants");
        assertEquals(0, machine.fake.reusedRefreshTokens.get(), "reused refresh tokens");
    }

    @Test
    void aMachineWhoseClockIsTenMinutesOffWaitsForTheLeaseLikeAnyOther() throws Exception {
        CountDownLatch inFlight = new CountDownLatch(1);
        machine.fake.refreshArrives = () -> {
            inFlight.countDown();
            sleep(ANSWER_DELAY_MILLIS);
            return true;
        };
        try (CliProcess holder = CliProcess.start(machine.env, "refresh", "openai")) {
            assertTrue(inFlight.await(30, TimeUnit.SECONDS), holder.all());
            for (Duration offset : List.of(Duration.ofMinutes(10), Duration.ofMinutes(-10))) {
                MaestroAuthConfig config = MaestroAuthConfig.fromEnvironment(machine.otherMachines(1).get(0))
                        .withClock(Clock.offset(Clock.systemUTC(), offset));
                AccessTokenService tokens = Guice.createInjector(new MaestroAuthModule(config))
                        .getInstance(AccessTokenService.class);
                String served = tokens.validAccessToken(ProviderId.OPENAI).reveal();
                assertEquals(0, holder.exitCode(60), holder.all());
                assertEquals(machine.fake.lastAccessToken, served, "clock offset " + offset);
            }
        }
        assertEquals(1, machine.fake.refreshGrants.get(), "refresh grants");
        assertEquals(0, machine.fake.reusedRefreshTokens.get(), "reused refresh tokens");
    }

    @Test
    void theDatabaseGoesAwayForFiveSecondsWhileTheRefreshIsInFlightAndTheRotationLandsWhenItIsBack()
            throws Exception {
        String[] target = SharedStoreFixture.postgresHostPort();
        try (TcpProxy proxy = new TcpProxy(target[0], Integer.parseInt(target[1]))) {
            machine.through(proxy);
            java.util.concurrent.ScheduledExecutorService later =
                    java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            CountDownLatch inFlight = new CountDownLatch(1);
            machine.fake.refreshArrives = () -> {
                if (inFlight.getCount() > 0) {
                    // As a restart does: every connection dropped, new ones refused, for 5 s.
                    proxy.cut();
                    later.schedule(proxy::restore, 5, TimeUnit.SECONDS);
                    inFlight.countDown();
                    sleep(1000);
                }
                return true;
            };
            long started = System.nanoTime();
            try (CliProcess holder = CliProcess.start(machine.env, "refresh", "openai")) {
                assertEquals(0, holder.exitCode(60), holder.all());
                assertEquals("", holder.err(), holder.all());
            }
            System.out.println("refresh across a 5 s database outage took "
                    + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
            later.shutdownNow();
            Map<String, String> other = machine.otherMachines(1).get(0);
            try (CliProcess token = CliProcess.start(other, "token", "openai")) {
                assertEquals(0, token.exitCode(60), token.all());
                assertEquals(machine.fake.lastAccessToken, token.out().trim(), "the rotation landed");
            }
        }
        assertEquals(1, machine.fake.refreshGrants.get(), "refresh grants");
        assertEquals(0, machine.fake.reusedRefreshTokens.get(), "reused refresh tokens");
    }

    @Test
    void statusTellsHowTheLastRefreshEnded() throws Exception {
        machine.fake.refreshFailureStatus = 503;
        try (CliProcess refresh = machine.run("refresh", "openai")) {
            assertEquals(5, refresh.exitCode(60), refresh.all());
        }
        try (CliProcess status = machine.run("status")) {
            assertTrue(status.out().contains("last refresh failed 0 s ago: the token endpoint was unavailable")
                    || status.out().contains("last refresh failed 1 s ago: the token endpoint was unavailable"),
                    status.all());
        }
        try (CliProcess status = machine.run("status", "--json")) {
            com.fasterxml.jackson.databind.JsonNode health = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(status.out()).get(0).get("health");
            assertEquals("DEGRADED", health.get("status").asText(), status.all());
            assertTrue(health.get("reason").asText().contains("the token endpoint was unavailable"), status.all());
            System.out.println("status --json after a failed refresh:\n" + status.out());
        }
        machine.fake.refreshFailureStatus = 0;
        try (CliProcess refresh = machine.run("refresh", "openai")) {
            assertEquals(0, refresh.exitCode(60), refresh.all());
        }
        try (CliProcess status = machine.run("status", "--json")) {
            com.fasterxml.jackson.databind.JsonNode row = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(status.out()).get(0);
            assertEquals("success", row.get("last_refresh").get("outcome").asText(), status.all());
            assertTrue(row.get("last_refresh").get("reason").isNull(), status.all());
            assertEquals("UP", row.get("health").get("status").asText(), status.all());
        }
    }

    /**
     * A `refresh` on this machine SIGKILLed while its request is at the provider, which then answers
     * 503 (the client is gone: nothing rotated); its lease stays behind. Returns the dead holder.
     */
    private CliProcess refreshKilledInFlight() throws Exception {
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch killed = new CountDownLatch(1);
        machine.fake.refreshArrives = () -> {
            if (inFlight.getCount() > 0) {
                inFlight.countDown();
                await(killed);
                return false;
            }
            return true;
        };
        CliProcess holder = CliProcess.start(machine.env, "refresh", "openai");
        assertTrue(inFlight.await(30, TimeUnit.SECONDS), holder.all());
        holder.kill();
        killed.countDown();
        return holder;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) {
            sleep(50);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
