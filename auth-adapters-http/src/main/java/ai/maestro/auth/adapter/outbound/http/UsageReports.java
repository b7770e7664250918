package ai.maestro.auth.adapter.outbound.http;

import ai.maestro.auth.domain.UsageReport;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** Reads the ChatGPT usage endpoint's answer: a field missing or of an unexpected type is empty, never an error. */
final class UsageReports {
    private UsageReports() {
    }

    static UsageReport parse(JsonNode root) {
        List<UsageReport.Window> windows = new ArrayList<>();
        JsonNode limits = root.path("rate_limit");
        for (String name : List.of("primary_window", "secondary_window")) {
            JsonNode window = limits.path(name);
            if (window.isObject()) {
                windows.add(new UsageReport.Window(name.replace("_window", ""), number(window.path("used_percent")),
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
