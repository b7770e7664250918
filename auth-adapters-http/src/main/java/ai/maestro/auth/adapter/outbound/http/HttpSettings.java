package ai.maestro.auth.adapter.outbound.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Timeouts and retry bounds of the token endpoint client.
 *
 * @param maxAttempts attempts in all for a retryable call (1 = no retry)
 * @param maxRetryAfter the longest Retry-After we wait out; a longer one fails at once
 * @param deadline the most one token endpoint operation may take, every attempt and wait included
 */
public record HttpSettings(
        Duration connectTimeout,
        Duration readTimeout,
        Duration callTimeout,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration maxRetryAfter,
        Duration deadline,
        String userAgent) {

    public HttpSettings {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        Objects.requireNonNull(userAgent, "userAgent");
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive");
        }
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException("maxAttempts must be 1 to 10");
        }
    }

    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(20);

    public static HttpSettings defaults() {
        return new HttpSettings(Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(20),
                4, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(15), DEFAULT_DEADLINE,
                "maestro-auth/" + ai.maestro.auth.domain.Release.version() + " (Java " + Runtime.version().feature() + ")");
    }

    public HttpSettings withBackoff(Duration initial, Duration max) {
        return new HttpSettings(connectTimeout, readTimeout, callTimeout, maxAttempts, initial, max, maxRetryAfter,
                deadline, userAgent);
    }

    public HttpSettings withTimeouts(Duration connect, Duration read, Duration call) {
        return new HttpSettings(connect, read, call, maxAttempts, initialBackoff, maxBackoff, maxRetryAfter, deadline,
                userAgent);
    }

    public HttpSettings withDeadline(Duration newDeadline) {
        return new HttpSettings(connectTimeout, readTimeout, callTimeout, maxAttempts, initialBackoff, maxBackoff,
                maxRetryAfter, newDeadline, userAgent);
    }
}
