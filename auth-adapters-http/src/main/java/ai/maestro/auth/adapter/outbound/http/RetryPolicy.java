package ai.maestro.auth.adapter.outbound.http;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Bounded exponential backoff with jitter; a server's Retry-After wins when it is present and bounded. */
final class RetryPolicy {
    private final HttpSettings settings;

    RetryPolicy(HttpSettings settings) {
        this.settings = settings;
    }

    int maxAttempts() {
        return settings.maxAttempts();
    }

    /** The wait before attempt {@code attempt + 1} (attempt counts from 1), or empty when Retry-After is too long. */
    Optional<Duration> delayAfter(int attempt, Optional<Duration> retryAfter) {
        if (retryAfter.isPresent()) {
            Duration wanted = retryAfter.get();
            return wanted.compareTo(settings.maxRetryAfter()) <= 0 ? Optional.of(wanted) : Optional.empty();
        }
        long base = settings.initialBackoff().toMillis() << Math.min(attempt - 1, 16);
        long capped = Math.min(base, settings.maxBackoff().toMillis());
        // "Equal jitter": half fixed, half random, so concurrent clients spread out but still back off.
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        return Optional.of(Duration.ofMillis(jittered));
    }

    /** RFC 9110 §10.2.3: delay-seconds or an HTTP-date. */
    static Optional<Duration> parseRetryAfter(String header, java.time.Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                java.time.ZonedDateTime at = java.time.ZonedDateTime.parse(value,
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration until = Duration.between(now, at.toInstant());
                return Optional.of(until.isNegative() ? Duration.ZERO : until);
            } catch (java.time.format.DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
