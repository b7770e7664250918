package ai.maestro.auth.domain;

import java.time.Instant;
import java.util.Objects;

/** Set on a stored credential whose grant died: kept for the record, but a new login is needed. */
public record ReloginMark(String reason, Instant since) {
    public ReloginMark {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(since, "since");
    }
}
