package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Three machines (homes of their own) share one PostgreSQL store; on each, CLI loops ask for the
 * tokens of two accounts that live 3 s, so refreshes never stop, while the provider revokes a whole
 * login on any reused refresh token. Every 1.5 s one CLI process is SIGKILLed (never while a refresh
 * request is at the provider: a kill then loses a rotation for any client), every 10 s every
 * database session is cut, and with MAESTRO_AUTH_CHAOS_RESTART_PG=1 PostgreSQL itself is restarted
 * halfway (not in the suite, whose other classes share that server). Nothing may be reused or
 * revoked, and every call that was not killed exits 0 with nothing on stderr.
 * {@code scripts/chaos.sh --minutes 10} runs it longer.
 */
class ChaosTest extends OnAUsersMachine {
    private static final FakeAuthorizationServer.User ADA = new FakeAuthorizationServer.User("acct-ada",
            "ada@example.com", "plus");
    private static final FakeAuthorizationServer.User BOB = new FakeAuthorizationServer.User("acct-bob",
            "bob@example.com", "pro");

    private static int setting(String name, int otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : Integer.parseInt(value.trim());
    }

    @Test
    void killsCutsAndRestartsReuseNothingAndEveryCallThatWasNotKilledSucceedsQuietly() throws Exception {
        int seconds = setting("MAESTRO_AUTH_CHAOS_SECONDS", 30);
        int loopsPerMachine = setting("MAESTRO_AUTH_CHAOS_LOOPS", 2);
        boolean restartPostgres = setting("MAESTRO_AUTH_CHAOS_RESTART_PG", 0) == 1;
        machine.onPostgres();
        FakeAuthorizationServer fake = machine.fake;
        Injector injector = machine.injector();
        // "Sparing requests in flight" as the runs did: never a process with its connection to the
        // token endpoint still open, which lasts while it reads and journals the answer (a few ms; the
        // answer-window test aims inside it on purpose).
        fake.inFlightAfterAnswer = Duration.ofMillis(20);
        fake.refreshLifetime = Duration.ofSeconds(3);
        fake.loginLifetime = Duration.ofSeconds(3);
        fake.signInAs(ADA);
        SharedStoreFixture.login(injector);
        fake.signInAs(BOB);
        SharedStoreFixture.login(injector);

        List<Map<String, String>> machines = new ArrayList<>();
        machines.add(machine.env);
        machines.addAll(machine.otherMachines(2));
        Set<CliProcess> running = ConcurrentHashMap.newKeySet();
        Set<Long> killed = ConcurrentHashMap.newKeySet();
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> loops = new ArrayList<>();
        for (Map<String, String> env : machines) {
            for (int loop = 0; loop < loopsPerMachine; loop++) {
                int offset = loop;
                Thread thread = new Thread(() -> {
                    for (int i = offset; !stop.get(); i++) {
                        String account = i % 2 == 0 ? "ada" : "bob";
                        try (CliProcess cli = CliProcess.start(env, "token", "openai", "--account", account)) {
                            running.add(cli);
                            int code = cli.exitCode(120);
                            running.remove(cli);
                            calls.incrementAndGet();
                            if (!killed.contains(cli.pid()) && (code != 0 || !cli.err().isEmpty())) {
                                java.util.regex.Matcher holder = java.util.regex.Pattern.compile("pid (\\d+)")
                                        .matcher(cli.err());
                                String about = holder.find() ? " [holder " + holder.group(1) + ": killed by the test "
                                        + killed.contains(Long.parseLong(holder.group(1))) + ", running "
                                        + ProcessHandle.of(Long.parseLong(holder.group(1))).isPresent() + "]" : "";
                                failures.add(env.get("MAESTRO_AUTH_MACHINE_NAME") + " " + account + ": exit " + code
                                        + " " + cli.err().trim() + about);
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                }, "chaos-loop");
                thread.start();
                loops.add(thread);
            }
        }
        Random random = new Random(20261206L);
        int kills = 0;
        int cuts = 0;
        boolean restarted = false;
        long started = System.nanoTime();
        long end = started + Duration.ofSeconds(seconds).toNanos();
        long nextCut = started + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() - end < 0) {
            Thread.sleep(1500);
            // Spare requests in flight: hold new ones at the provider, wait for the others' answers to leave.
            fake.holdNewRefreshes = true;
            try {
                for (int i = 0; i < 1000 && fake.refreshesInFlight.get() > 0; i++) {
                    Thread.sleep(5);
                }
                List<CliProcess> candidates = running.stream().filter(CliProcess::isAlive).toList();
                if (fake.refreshesInFlight.get() == 0 && !candidates.isEmpty()) {
                    CliProcess victim = candidates.get(random.nextInt(candidates.size()));
                    killed.add(victim.pid());
                    victim.signalKill();
                    kills++;
                }
            } finally {
                fake.holdNewRefreshes = false;
            }
            if (System.nanoTime() - nextCut > 0) {
                machine.cutDatabaseSessions();
                cuts++;
                nextCut += Duration.ofSeconds(10).toNanos();
            }
            if (restartPostgres && !restarted && System.nanoTime() - started > (end - started) / 2) {
                restarted = true;
                restartPostgres();
            }
        }
        stop.set(true);
        for (Thread loop : loops) {
            loop.join(180_000);
        }
        System.out.printf("chaos: %d s, 3 machines x %d loops, 2 accounts: %d calls, %d refresh grants, %d killed,"
                        + " %d session cuts, %d PostgreSQL restarts; %d reused, %d logins revoked, %d failed%n",
                seconds, loopsPerMachine, calls.get(), fake.refreshGrants.get(), kills, cuts, restarted ? 1 : 0,
                fake.reusedRefreshTokens.get(), fake.revokedFamilies.get(), failures.size());
        assertEquals(List.of(), failures, "calls that were not killed and failed or wrote to stderr");
        assertEquals(0, fake.reusedRefreshTokens.get(), "reused refresh tokens");
        assertEquals(0, fake.revokedFamilies.get(), "logins revoked");
        assertTrue(kills > 0 && fake.refreshGrants.get() > 0, "the chaos happened");
    }

    private static void restartPostgres() throws Exception {
        String version = new String(new ProcessBuilder("ls", "/etc/postgresql").start().getInputStream()
                .readAllBytes()).trim().split("\\s+")[0];
        Process restart = new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart")
                .inheritIO().start();
        assertEquals(0, restart.waitFor(), "pg_ctlcluster restart");
    }
}
