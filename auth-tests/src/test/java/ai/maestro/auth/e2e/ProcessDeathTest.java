package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Processes sharing the embedded store are killed with SIGKILL at the worst moments. */
class ProcessDeathTest extends OnAUsersMachine {

    @BeforeEach
    void shortLogins() {
        machine.fake.loginLifetime = Duration.ofSeconds(60);
    }

    @Test
    void theFirstOpenerIsKilledWhileTheOthersWaitOnTheRefreshLock() throws Exception {
        FakeAuthorizationServer fake = machine.fake;
        machine.cliLogin();
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        // The first refresh is held at the server; its client is then killed, so the server never rotates.
        fake.refreshArrives = () -> {
            if (!first.compareAndSet(true, false)) {
                return true;
            }
            arrived.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        };
        CliProcess opener = CliProcess.start(machine.env, "token", "openai");
        assertTrue(arrived.await(60, TimeUnit.SECONDS), "the first process never asked for a refresh: " + opener.all());
        List<CliProcess> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(CliProcess.start(machine.env, "token", "openai"));
        }
        // Long enough for the three to start and queue on the refresh lock the opener holds.
        Thread.sleep(3000);
        assertTrue(opener.isAlive(), "the opener must still hold the refresh lock: " + opener.all());
        opener.kill();
        release.countDown();

        Set<String> printed = new HashSet<>();
        for (CliProcess process : waiting) {
            assertEquals(0, process.exitCode(120), process.all());
            printed.add(process.out().trim());
        }
        assertEquals(Set.of(fake.lastAccessToken), printed);
        assertEquals(1, fake.refreshGrants.get());
        assertEquals(0, fake.reusedRefreshTokens.get());
    }

    /** H2's mixed mode listened on every interface; the embedded store must not listen at all. */
    @Test
    void aProcessUsingTheEmbeddedStoreListensOnNoPort() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc");
        FakeAuthorizationServer fake = machine.fake;
        machine.cliLogin();
        fake.refreshLatency = Duration.ofSeconds(2);
        long before = fake.lastRefreshArrivedNanos.get();
        try (CliProcess token = CliProcess.start(machine.env, "token", "openai")) {
            for (int i = 0; i < 3000 && fake.lastRefreshArrivedNanos.get() == before; i++) {
                Thread.sleep(5);
            }
            // Mid-refresh: the store has been opened, the refresh lock is held.
            assertTrue(token.isAlive(), token.all());
            assertEquals(Set.of(), listeningSockets(token.pid()), "listening sockets of maestro-auth");
            assertEquals(0, token.exitCode(60), token.all());
        }
    }

    /** The inodes of the TCP sockets in LISTEN state that process {@code pid} holds. */
    private static Set<String> listeningSockets(long pid) throws IOException {
        Set<String> held = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        held.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // The descriptor went away while we looked.
                }
            }
        }
        Set<String> listening = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 9 && fields[3].equals("0A") && held.contains(fields[9])) {
                    listening.add(fields[1] + " inode " + fields[9]);
                }
            }
        }
        return listening;
    }

    /**
     * 50 `refresh` processes, each SIGKILLed 0–500 ms after its request reached the server (which
     * answers after 300 ms), and 20 more killed 300–350 ms after, just after the answer. A kill before the answer is a rotation no client can keep; a kill after
     * it must lose nothing. Either way the store must open and refresh afterwards.
     */
    @Test
    void aCrashLoopOfRefreshesLosesNoRotationOnceTheAnswerArrived() throws Exception {
        FakeAuthorizationServer fake = machine.fake;
        fake.refreshLatency = Duration.ofMillis(300);
        Injector injector = machine.injector();
        SharedStoreFixture.login(injector);
        Random random = new Random(20261130L);
        int killedInFlight = 0;
        int lostInFlight = 0;
        int killedInWindow = 0;
        int lostInWindow = 0;
        int killedDurable = 0;
        int completed = 0;
        List<String> lostDurable = new ArrayList<>();
        Path journal = machine.data.resolve("rotation-" + SharedStoreFixture.FIRST_ACCOUNT.accountName() + ".journal");
        // 35 kills anywhere in 0-500 ms, then 20 aimed at the few ms after the answer (300-350 ms).
        for (int iteration = 0; iteration < 55; iteration++) {
            long arrivedBefore = fake.lastRefreshArrivedNanos.get();
            try (CliProcess refresh = CliProcess.start(machine.env, "refresh", "openai")) {
                for (int i = 0; i < 3000 && fake.lastRefreshArrivedNanos.get() == arrivedBefore && refresh.isAlive(); i++) {
                    Thread.sleep(5);
                }
                assertTrue(fake.lastRefreshArrivedNanos.get() != arrivedBefore, "no refresh reached the server: "
                        + refresh.all());
                long delay = iteration < 35 ? random.nextInt(501) : 300 + random.nextInt(51);
                Thread.sleep(delay);
                boolean alive = refresh.isAlive();
                long killedAt = System.nanoTime();
                refresh.kill();
                // What the dead process had reached: its journal is as the kill left it.
                String reached = Files.exists(journal) ? Files.readString(journal).trim() : "";
                // The server finishes a request whose client died; only then is the rotation settled.
                long settled = fake.lastRefreshArrivedNanos.get() + Duration.ofMillis(450).toNanos();
                Thread.sleep(Math.max(0, (settled - System.nanoTime()) / 1_000_000));
                boolean answered = fake.lastRefreshAnsweredNanos.get() > fake.lastRefreshArrivedNanos.get()
                        && fake.lastRefreshAnsweredNanos.get() - killedAt < 0;
                boolean durable = answered && (reached.isEmpty() || isCompleteRecord(reached));
                String stored = machine.storedRefreshToken(injector);
                boolean lost = !fake.accepts(stored);
                if (!alive) {
                    completed++;
                    assertTrue(!lost, "a refresh that ended by itself lost its rotation: " + refresh.all());
                } else if (durable) {
                    killedDurable++;
                    if (lost) {
                        lostDurable.add("iteration " + iteration + ", killed " + delay + " ms after the request");
                    }
                } else if (answered) {
                    killedInWindow++;
                    lostInWindow += lost ? 1 : 0;
                } else {
                    killedInFlight++;
                    lostInFlight += lost ? 1 : 0;
                }
                if (lost) {
                    SharedStoreFixture.login(injector);
                }
            }
        }
        System.out.printf("crash loop: completed %d (lost 0); killed in flight %d (lost %d); killed after the answer,"
                + " before its journal record was on disk %d (lost %d); killed once it was durable %d (lost %d)%n",
                completed, killedInFlight, lostInFlight, killedInWindow, lostInWindow, killedDurable,
                lostDurable.size());
        assertEquals(List.of(), lostDurable, "rotations lost once the answer was durable");
        // The store opens, `status` works and a refresh succeeds.
        try (CliProcess status = CliProcess.start(machine.env, "status")) {
            assertEquals(0, status.exitCode(60), status.all());
        }
        try (CliProcess refresh = CliProcess.start(machine.env, "refresh", "openai")) {
            assertEquals(0, refresh.exitCode(60), refresh.all());
        }
        assertEquals(0, fake.reusedRefreshTokens.get(), "refresh_token_reused answers");
    }

    /**
     * A journal that parses whole and says "answered" (the answer as it arrived) or "recorded" (as
     * validated): the answer was on disk when the process died.
     */
    private static boolean isCompleteRecord(String journal) {
        try {
            String state = new com.fasterxml.jackson.databind.ObjectMapper().readTree(journal).path("state").asText();
            return "answered".equals(state) || "recorded".equals(state);
        } catch (IOException torn) {
            return false;
        }
    }
}
