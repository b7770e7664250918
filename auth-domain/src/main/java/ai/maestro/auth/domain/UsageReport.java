package ai.maestro.auth.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the ChatGPT backend says of a sign-in's usage: plan, rate-limit windows and credits. Every
 * field may be missing or of an unexpected type; such a field is empty, never an error.
 */
public record UsageReport(Optional<String> planType, List<Window> windows, Optional<String> creditsBalance) {

    /** One rate-limit window, e.g. the 5-hour ("primary") or the weekly ("secondary") one. */
    public record Window(String name, OptionalDouble usedPercent, Optional<Duration> length,
                         Optional<Instant> resetsAt) {
    }

    public UsageReport {
        windows = List.copyOf(windows);
    }
}
