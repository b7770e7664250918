package ai.maestro.auth.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The last refresh of a credential, kept with its row: when it ran, how it ended and, for a
 * failure, a one-line reason in our own words (never a secret, never a server's raw body).
 */
public record RefreshRecord(Instant at, RefreshOutcome outcome, Optional<String> reason) {
    /** Longer reasons are cut: the record is a status line, not a log. */
    public static final int MOST_REASON_CHARS = 200;

    public RefreshRecord {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(outcome, "outcome");
        reason = Objects.requireNonNull(reason, "reason").map(RefreshRecord::oneLine).filter(r -> !r.isEmpty());
    }

    public static RefreshRecord succeeded(Instant at) {
        return new RefreshRecord(at, RefreshOutcome.SUCCESS, Optional.empty());
    }

    public static RefreshRecord failed(Instant at, RefreshOutcome outcome, String reason) {
        return new RefreshRecord(at, outcome, Optional.ofNullable(reason));
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\p{Cntrl}+", " ").strip();
        return line.length() > MOST_REASON_CHARS ? line.substring(0, MOST_REASON_CHARS - 3) + "..." : line;
    }
}
