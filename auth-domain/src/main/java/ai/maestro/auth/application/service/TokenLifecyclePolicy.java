package ai.maestro.auth.application.service;

import java.time.Duration;
import java.util.Objects;

/**
 * The timing rules of {@link AccessTokenService}.
 *
 * @param skew a token is refreshed once it has less than this left (clocks differ, requests take time)
 * @param refreshLockWait how long to wait for another process's refresh before giving up
 * @param inFlightWait how long a caller waits for this process's running refresh
 * @param transientRetryDelay after a transient failure with a still-valid token, how long to serve it before trying again
 * @param backgroundInterval how often the background refresher looks; zero disables it
 * @param backgroundLead how long before the skew window the background refresher acts
 */
public record TokenLifecyclePolicy(
        Duration skew,
        Duration refreshLockWait,
        Duration inFlightWait,
        Duration transientRetryDelay,
        Duration backgroundInterval,
        Duration backgroundLead) {

    public TokenLifecyclePolicy {
        Objects.requireNonNull(skew, "skew");
        Objects.requireNonNull(refreshLockWait, "refreshLockWait");
        Objects.requireNonNull(inFlightWait, "inFlightWait");
        Objects.requireNonNull(transientRetryDelay, "transientRetryDelay");
        Objects.requireNonNull(backgroundInterval, "backgroundInterval");
        Objects.requireNonNull(backgroundLead, "backgroundLead");
        if (skew.isNegative() || refreshLockWait.isNegative() || inFlightWait.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }

    public static TokenLifecyclePolicy defaults() {
        return new TokenLifecyclePolicy(Duration.ofMinutes(5), Duration.ofSeconds(90), Duration.ofSeconds(120),
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(2));
    }

    public TokenLifecyclePolicy withSkew(Duration newSkew) {
        return new TokenLifecyclePolicy(newSkew, refreshLockWait, inFlightWait, transientRetryDelay,
                backgroundInterval, backgroundLead);
    }

    public TokenLifecyclePolicy withRefreshLockWait(Duration wait) {
        return new TokenLifecyclePolicy(skew, wait, inFlightWait, transientRetryDelay, backgroundInterval,
                backgroundLead);
    }

    public TokenLifecyclePolicy withoutBackgroundRefresh() {
        return new TokenLifecyclePolicy(skew, refreshLockWait, inFlightWait, transientRetryDelay, Duration.ZERO,
                backgroundLead);
    }
}
