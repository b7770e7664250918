package ai.maestro.auth.domain.config;

import java.util.Objects;

/** One name=value pair of a URL query, in order. */
public record QueryParameter(String name, String value) {
    public QueryParameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
