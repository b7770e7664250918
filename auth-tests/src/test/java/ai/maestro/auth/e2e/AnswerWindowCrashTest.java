package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.application.service.AccessTokenService;
import com.google.inject.Injector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A cold `refresh` process is SIGKILLed 0 to 100 ms after the last byte of the provider's answer
 * left the fake server, on the embedded store and on PostgreSQL (there also with every database
 * session cut while the request is at the server). The provider has rotated by then, so the old
 * refresh token is spent: a rotation is lost when the next process sends it again (reuse, which
 * revokes the login). None may be lost once the answer is 5 ms old: a loss there is aimed at twice
 * more, and a second loss fails the test (one is forgiven, as the scheduler's on a busy 2-core machine).
 */
class AnswerWindowCrashTest extends OnAUsersMachine {
    private static final long[] DELAYS_MILLIS = {0, 1, 2, 5, 10, 20, 50, 100};
    /** From this age of the answer on, nothing may be lost. */
    private static final long DURABLE_WITHIN_MILLIS = 5;

    @Test
    void theEmbeddedStoreKeepsEveryRotationFiveMillisecondsAfterTheAnswer() throws Exception {
        assertNoneLostFromFiveMilliseconds("H2", crashLoop(false));
    }

    @Test
    void postgresKeepsEveryRotationFiveMillisecondsAfterTheAnswer() throws Exception {
        machine.onPostgres();
        assertNoneLostFromFiveMilliseconds("PostgreSQL", crashLoop(false));
    }

    @Test
    void postgresKeepsEveryRotationFiveMillisecondsAfterTheAnswerWhenItsSessionsWereJustCut() throws Exception {
        machine.onPostgres();
        assertNoneLostFromFiveMilliseconds("PostgreSQL, sessions cut before the answer", crashLoop(true));
    }

    /**
     * SIGTERM (a container stop) while the refresh token is at the provider: the process keeps the
     * answer before it exits 143, and the next process uses the rotated token.
     */
    @Test
    void aProcessStoppedWithSigtermWhileItsRefreshIsInFlightKeepsTheAnswerThenExits143() throws Exception {
        FakeAuthorizationServer fake = machine.fake;
        Injector injector = machine.injector();
        SharedStoreFixture.login(injector);
        CountDownLatch arrived = new CountDownLatch(1);
        fake.refreshArrives = () -> {
            arrived.countDown();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            return true;
        };
        try (CliProcess refresh = CliProcess.start(machine.env, "refresh", "openai")) {
            assertTrue(arrived.await(60, TimeUnit.SECONDS), refresh.all());
            refresh.terminate();
            assertEquals(143, refresh.exitCode(10), refresh.all());
            assertEquals("", refresh.err(), "nothing but our own lines: " + refresh.all());
        }
        fake.refreshArrives = () -> true;
        assertEquals(1, fake.refreshGrants.get());
        // The next refresh takes the kept answer instead of sending the spent token.
        try (CliProcess refresh = CliProcess.start(machine.env, "refresh", "openai")) {
            assertEquals(0, refresh.exitCode(60), refresh.all());
        }
        try (CliProcess token = CliProcess.start(machine.env, "token", "openai")) {
            assertEquals(0, token.exitCode(60), token.all());
            assertEquals(fake.lastAccessToken, token.out().trim(), "the stopped process's answer is the token");
        }
        assertEquals(1, fake.refreshGrants.get(), "no second refresh was needed");
        assertEquals(0, fake.reusedRefreshTokens.get(), "reused refresh tokens");
    }

    private static void assertNoneLostFromFiveMilliseconds(String store, Map<Long, List<String>> outcomes) {
        StringBuilder table = new StringBuilder("answer-window crash loop, " + store + ":");
        List<Long> lost = new ArrayList<>();
        outcomes.forEach((delay, rounds) -> {
            long lostHere = rounds.stream().filter(o -> o.startsWith("LOST")).count();
            long killedHere = rounds.stream().filter(o -> !o.startsWith("finished")).count();
            table.append(String.format("%n  killed %3d ms after the answer: lost %d of %d killed (%d finished first)"
                    + "  %s", delay, lostHere, killedHere, rounds.size() - killedHere, String.join("; ", rounds)));
            // Per round at most one loss is forgiven (see crashLoop): two mean the window is too long.
            if (delay >= DURABLE_WITHIN_MILLIS && lostHere > killedHere - lostHere) {
                lost.add(delay);
            }
        });
        System.out.println(table);
        assertEquals(List.of(), lost, "rotations lost at these delays after the answer: " + table);
    }

    /**
     * For each delay, each round: kept, lost, or finished before the kill; the store is signed in
     * again after a loss. MAESTRO_AUTH_CRASH_ROUNDS rounds (1 in the suite).
     */
    private Map<Long, List<String>> crashLoop(boolean cutSessions) throws Exception {
        FakeAuthorizationServer fake = machine.fake;
        Injector injector = machine.injector();
        SharedStoreFixture.login(injector);
        Map<Long, List<String>> outcomes = new LinkedHashMap<>();
        String roundsSetting = System.getenv("MAESTRO_AUTH_CRASH_ROUNDS");
        int rounds = roundsSetting == null || roundsSetting.isBlank() ? 1 : Integer.parseInt(roundsSetting.trim());
        for (int round = 0; round < rounds; round++) {
            for (long delay : DELAYS_MILLIS) {
                List<String> here = outcomes.computeIfAbsent(delay, d -> new ArrayList<>());
                // A loss where none may be is aimed at twice more: a 2-core machine's scheduler can hold a
                // process back for milliseconds once; a window that is really too long loses again.
                int attempts = delay >= DURABLE_WITHIN_MILLIS ? 3 : 1;
                for (int attempt = 0; attempt < attempts; attempt++) {
                    String outcome = killAfterTheAnswer(delay, cutSessions);
                    here.add(outcome);
                    if (!outcome.startsWith("LOST")) {
                        break;
                    }
                    SharedStoreFixture.login(injector);
                }
            }
        }
        assertTrue(fake.refreshGrants.get() >= DELAYS_MILLIS.length, "every process reached the provider");
        return outcomes;
    }

    /** One cold `refresh` killed {@code delay} ms after its answer's last byte: kept, LOST, or finished first. */
    private String killAfterTheAnswer(long delay, boolean cutSessions) throws Exception {
        FakeAuthorizationServer fake = machine.fake;
        CountDownLatch armed = new CountDownLatch(1);
        AtomicLong killedAfterNanos = new AtomicLong(-1);
        CliProcess[] target = new CliProcess[1];
        if (cutSessions) {
            fake.refreshArrives = () -> {
                machine.cutDatabaseSessions();
                // The sessions are gone when the answer arrives; PostgreSQL's own work of ending them
                // (processes exiting) is left to finish first, so it does not compete for the 2 cores.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                return true;
            };
        }
        fake.refreshAnswerSent = sentAt -> {
            // On the server's thread, so the kill is aimed from the moment the last byte left.
            long at = sentAt + TimeUnit.MILLISECONDS.toNanos(delay);
            while (System.nanoTime() - at < 0) {
                LockSupport.parkNanos(Math.min(200_000, at - System.nanoTime()));
            }
            try {
                armed.await(5, TimeUnit.SECONDS);
                if (target[0].isAlive()) {
                    target[0].signalKill();
                    killedAfterNanos.set(System.nanoTime() - sentAt);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        int reusedBefore = fake.reusedRefreshTokens.get();
        try (CliProcess refresh = CliProcess.start(machine.env, "refresh", "openai")) {
            target[0] = refresh;
            armed.countDown();
            refresh.exitCode(60);
        }
        fake.refreshAnswerSent = null;
        fake.refreshArrives = () -> true;
        // The next process on this machine: it applies what the dead one left, or spends the old token.
        AccessTokenService tokens = machine.injector().getInstance(AccessTokenService.class);
        boolean kept;
        try {
            tokens.refreshNow(SharedStoreFixture.FIRST_ACCOUNT);
            kept = fake.reusedRefreshTokens.get() == reusedBefore;
        } catch (RuntimeException loggedOut) {
            kept = false;
        }
        long killedAfter = killedAfterNanos.get();
        String outcome = killedAfter < 0 ? "finished before the kill" + (kept ? "" : ", LOST")
                : (kept ? "kept" : "LOST") + String.format(" (killed %.1f ms after)", killedAfter / 1e6);
        return kept ? outcome : outcome.startsWith("LOST") ? outcome : "LOST: " + outcome;
    }
}
