package ai.maestro.auth.application.service;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs a pass over the cached tokens every interval on one daemon thread, until closed. */
final class BackgroundRefresher implements AutoCloseable {
    private ScheduledExecutorService scheduler;

    /** Starts {@code pass} every {@code interval}; a second start, or a zero interval, does nothing. */
    synchronized void start(Duration interval, Runnable pass) {
        if (scheduler != null || interval.isZero()) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "maestro-auth-refresher");
            thread.setDaemon(true);
            return thread;
        });
        long every = interval.toMillis();
        scheduler.scheduleWithFixedDelay(pass, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    /** Refreshes each cached token due before {@code soon}; a failure is left for that token's next caller. */
    static void refreshDue(java.util.Map<ai.maestro.auth.domain.CredentialKey, CachedToken> cache,
                           java.time.Instant soon, java.util.function.Consumer<ai.maestro.auth.domain.CredentialKey> refresh) {
        cache.forEach((key, cached) -> {
            if (!soon.isBefore(cached.refreshAt())) {
                try {
                    refresh.accept(key);
                } catch (ai.maestro.auth.domain.error.AuthException e) {
                    // The next caller gets the same typed error; the refresher only tries to be early.
                }
            }
        });
    }
}
