package ai.maestro.auth.adapter.outbound.persistence;

import java.time.Duration;

/**
 * Refreshes of this process whose refresh token is being spent and whose answer is not yet on disk.
 * A process asked to stop (SIGTERM from a container stop, SIGINT from Ctrl-C) waits for them, boundedly,
 * before it exits: the provider rotates on receipt, so an answer dropped on the floor logs the user out.
 */
public final class AnswersInFlight {
    private static final Object LOCK = new Object();
    private static int open;
    /** A rotation runs on one thread, from its reservation to its answer: settled once, whoever says so first. */
    private static final ThreadLocal<Boolean> PENDING = ThreadLocal.withInitial(() -> false);

    private AnswersInFlight() {
    }

    static void opened() {
        if (PENDING.get()) {
            return;
        }
        PENDING.set(true);
        synchronized (LOCK) {
            open++;
        }
    }

    /** The answer is durable, or there will be none to keep. */
    static void settled() {
        if (!PENDING.get()) {
            return;
        }
        PENDING.set(false);
        synchronized (LOCK) {
            open = Math.max(0, open - 1);
            LOCK.notifyAll();
        }
    }

    /** Waits until no answer is pending or {@code bound} has passed; true when none is pending. */
    public static boolean awaitSettled(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        synchronized (LOCK) {
            while (open > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    LOCK.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }
}
