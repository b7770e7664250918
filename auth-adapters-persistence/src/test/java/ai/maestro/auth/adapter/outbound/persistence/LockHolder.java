package ai.maestro.auth.adapter.outbound.persistence;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Run as a separate JVM by {@link FileLocksTest}: takes the lock on {@code args[0]} as maestro-auth
 * does, says "locked", holds it {@code args[1]} ms, says "released", then lives {@code args[2]} ms more.
 */
public final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws InterruptedException {
        FileLocks.withLock(Path.of(args[0]), Duration.ofSeconds(10), "the test lock", () -> {
            System.out.println("locked");
            System.out.flush();
            sleep(Long.parseLong(args[1]));
            return null;
        });
        System.out.println("released");
        System.out.flush();
        Thread.sleep(Long.parseLong(args[2]));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
