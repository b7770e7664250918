package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.outbound.ChangeFeed;
import ai.maestro.auth.domain.error.AuthException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Looks at the store's change stamp at most once per interval, on one caller's thread (the others
 * never wait), and runs {@code onChange} when another process wrote since the last look.
 */
final class ChangeWatcher {
    private final ChangeFeed feed;
    private final Duration interval;
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile long nextCheck = Long.MIN_VALUE;
    private long lastStamp;
    private boolean stampKnown;

    ChangeWatcher(ChangeFeed feed, Duration interval) {
        this.feed = feed;
        this.interval = interval;
    }

    /** The hot path's test: one volatile read and a comparison. */
    boolean due(Instant now) {
        return now.toEpochMilli() >= nextCheck;
    }

    /**
     * Reads the stamp (unless another thread is) when {@code watching} says anything is cached;
     * {@code onChange} runs when it moved. A store that cannot be reached is looked at again next time.
     */
    void look(Instant now, java.util.function.BooleanSupplier watching, Runnable onChange) {
        if (!checking.compareAndSet(false, true)) {
            return;
        }
        try {
            nextCheck = now.plus(interval).toEpochMilli();
            if (!watching.getAsBoolean()) {
                return;
            }
            // The stamp is read before the rows: a write after this reading moves it again.
            long stamp = feed.changeStamp();
            if (stampKnown && stamp == lastStamp) {
                return;
            }
            onChange.run();
            lastStamp = stamp;
            stampKnown = true;
        } catch (AuthException e) {
            // The store cannot be reached: keep serving the cache, look again after the interval.
        } finally {
            checking.set(false);
        }
    }
}
