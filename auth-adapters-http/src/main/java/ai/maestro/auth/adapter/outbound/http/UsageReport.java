package ai.maestro.auth.adapter.outbound.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

    static UsageReport parse(JsonNode root) {
        List<Window> windows = new ArrayList<>();
        JsonNode limits = root.path("rate_limit");
        for (String name : List.of("primary_window", "secondary_window")) {
            JsonNode window = limits.path(name);
            if (window.isObject()) {
                windows.add(new Window(name.replace("_window", ""), number(window.path("used_percent")),
                        whole(window.path("limit_window_seconds")).filter(s -> s > 0).map(Duration::ofSeconds),
                        whole(window.path("reset_at")).filter(s -> s > 0 && s < 253402300799L)
                                .map(Instant::ofEpochSecond)));
            }
        }
        JsonNode balance = root.path("credits").path("balance");
        return new UsageReport(text(root.path("plan_type")), windows,
                balance.isValueNode() && !balance.isNull() ? Optional.of(balance.asText()) : Optional.empty());
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static OptionalDouble number(JsonNode node) {
        return node.isNumber() && Double.isFinite(node.asDouble()) ? OptionalDouble.of(node.asDouble())
                : OptionalDouble.empty();
    }

    private static Optional<Long> whole(JsonNode node) {
        return node.canConvertToLong() && node.isNumber() ? Optional.of(node.asLong()) : Optional.empty();
    }
}
