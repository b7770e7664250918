package ai.maestro.auth.adapter.outbound.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.error.CredentialStoreException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cross-process file lock against another real process holding it. */
class FileLocksTest {
    @TempDir
    Path dir;

    /** A holder in a JVM of its own, once it has the lock. */
    private record Holder(Process process, BufferedReader out) implements AutoCloseable {
        String next() throws IOException {
            return out.readLine();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private Holder holder(Path file, long holdMillis, long afterMillis) throws IOException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), file.toString(),
                Long.toString(holdMillis), Long.toString(afterMillis)).redirectErrorStream(true).start();
        Holder holder = new Holder(process, new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)));
        assertEquals("locked", holder.next());
        return holder;
    }

    @Test
    void aWaiterHasTheLockAsSoonAsTheOtherProcessLetsGoNotWhenItExits() throws Exception {
        Path file = dir.resolve("test.lock");
        try (Holder holder = holder(file, 700, 20_000)) {
            AtomicBoolean holderStillRunning = new AtomicBoolean();
            FileLocks.withLock(file, Duration.ofSeconds(15), "the test lock", () -> {
                holderStillRunning.set(holder.process().isAlive());
                return null;
            });
            assertEquals("released", holder.next());
            assertTrue(holderStillRunning.get(), "the lock came only when its holder exited");
        }
    }

    @Test
    void aWaitEndsAtItsDeadlineNamingTheHolderWhileItStillHoldsIt() throws Exception {
        Path file = dir.resolve("test.lock");
        try (Holder holder = holder(file, 30_000, 0)) {
            CredentialStoreException e = assertThrows(CredentialStoreException.class, () ->
                    FileLocks.withLock(file, Duration.ofMillis(300), "the test lock", () -> null));
            assertTrue(e.getMessage().contains("`kill " + holder.process().pid() + "`"), e.getMessage());
            assertTrue(holder.process().isAlive(), "the wait outlasted the holder");
            // The lock is still the holder's: a later wait ends the same way, and this process holds nothing.
            assertThrows(CredentialStoreException.class, () ->
                    FileLocks.withLock(file, Duration.ofMillis(100), "the test lock", () -> null));
        }
    }

    @Test
    void aKilledHoldersLockIsTakenAtOnce() throws Exception {
        Path file = dir.resolve("test.lock");
        try (Holder holder = holder(file, 30_000, 0)) {
            CompletableFuture<String> waited = CompletableFuture.supplyAsync(() ->
                    FileLocks.withLock(file, Duration.ofSeconds(15), "the test lock", () -> "mine"));
            Thread.sleep(200);
            holder.process().destroyForcibly();
            assertEquals("mine", waited.get(15, TimeUnit.SECONDS));
        }
    }

    @Test
    void anInterruptedWaitSaysSoAndKeepsTheInterrupt() throws Exception {
        Path file = dir.resolve("test.lock");
        try (Holder holder = holder(file, 30_000, 0)) {
            CompletableFuture<String> outcome = new CompletableFuture<>();
            Thread waiter = new Thread(() -> {
                try {
                    FileLocks.withLock(file, Duration.ofSeconds(15), "the test lock", () -> "mine");
                    outcome.complete("took it");
                } catch (CredentialStoreException e) {
                    outcome.complete(e.getMessage() + " / interrupted: " + Thread.currentThread().isInterrupted());
                }
            });
            waiter.start();
            Thread.sleep(200);
            waiter.interrupt();
            assertEquals("Interrupted while waiting for the test lock. Try again. / interrupted: true",
                    outcome.get(15, TimeUnit.SECONDS));
            assertTrue(holder.process().isAlive(), "the interrupt, not the holder's end, ended the wait");
        }
    }
}
