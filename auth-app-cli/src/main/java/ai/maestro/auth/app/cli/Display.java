package ai.maestro.auth.app.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Human forms of times, for status lines. */
final class Display {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Display() {
    }

    static String when(Instant instant) {
        return WHEN.format(instant);
    }

    /** "in 59 min", "in 2 h 5 min", "in 3 days", "expired 4 min ago". */
    static String relative(Instant at, Instant now) {
        Duration left = Duration.between(now, at);
        if (left.isNegative()) {
            return "expired " + span(left.negated()) + " ago";
        }
        return "in " + span(left);
    }

    static String span(Duration d) {
        long minutes = d.toMinutes();
        if (minutes < 1) {
            return d.toSeconds() + " s";
        }
        if (minutes < 60) {
            return minutes + " min";
        }
        if (minutes < 48 * 60) {
            return (minutes / 60) + " h " + (minutes % 60) + " min";
        }
        return (minutes / (24 * 60)) + " days";
    }

    static String clock(Duration d) {
        long seconds = Math.max(0, d.toSeconds());
        return String.format("%d:%02d", seconds / 60, seconds % 60);
    }
}
