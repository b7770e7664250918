package ai.maestro.auth.domain.login;

import ai.maestro.auth.domain.error.LoginAbortedException;
import java.time.Duration;

/** Waits between attempts: the real thing sleeps, tests record. */
@FunctionalInterface
public interface Pauses {
    void pause(Duration duration) throws InterruptedException;

    /** Pauses that sleep the calling thread. */
    static Pauses sleeping() {
        return duration -> Thread.sleep(duration.toMillis());
    }

    /** Pauses; an interrupt (Ctrl-C) ends the login waiting on it, as cancelled. */
    default void pauseOrCancel(Duration duration) {
        try {
            pause(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoginAbortedException(LoginAbortedException.Reason.CANCELLED);
        }
    }
}
