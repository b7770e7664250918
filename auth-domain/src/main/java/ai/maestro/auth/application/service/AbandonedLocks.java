package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.outbound.RefreshLocks;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.error.AuthException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * The refresh locks dead processes of this machine left (a shared store's lease outlives its holder),
 * settled whichever account they guard: other machines wait on them, and only a process here can
 * apply what the dead one journaled.
 */
final class AbandonedLocks {
    /** How long settling one may wait: a holder now is settling or refreshing it already. */
    private static final Duration SETTLE_WAIT = Duration.ofMillis(500);
    private final RefreshLocks locks;
    private final BiConsumer<CredentialKey, Duration> settle;
    private final AtomicBoolean settledOnce = new AtomicBoolean();

    AbandonedLocks(RefreshLocks locks, BiConsumer<CredentialKey, Duration> settle) {
        this.locks = locks;
        this.settle = settle;
    }

    /** The first time only: a command's first token request. */
    void settleOnce() {
        if (settledOnce.compareAndSet(false, true)) {
            settleNow();
        }
    }

    /** Each time: a long-running process's background tick. */
    void settleNow() {
        settledOnce.set(true);
        java.util.Set<CredentialKey> abandoned;
        try {
            abandoned = locks.abandonedHere();
        } catch (AuthException unreachable) {
            return; // the command's own store access reports it
        }
        for (CredentialKey key : abandoned) {
            try {
                settle.accept(key, SETTLE_WAIT);
            } catch (AuthException e) {
                // That account's own next refresh meets the same and reports it to its caller.
            }
        }
    }
}
