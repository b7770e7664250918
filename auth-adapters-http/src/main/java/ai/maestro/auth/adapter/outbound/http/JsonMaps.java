package ai.maestro.auth.adapter.outbound.http;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * JSON objects as maps, read and written with jackson-jr: a refresh reads one small answer, and
 * databind's object mapper would cost a fresh process tens of milliseconds of start-up for it.
 */
final class JsonMaps {
    /** Immutable and thread-safe; duplicate names keep the last value, as databind did. */
    static final JSON JSON = com.fasterxml.jackson.jr.ob.JSON.std;

    private JsonMaps() {
    }

    /** The JSON object in {@code body}; empty for anything else (another JSON value, or not JSON). */
    static Optional<Map<String, Object>> object(byte[] body) {
        try {
            return Optional.ofNullable(JSON.mapFrom(body));
        } catch (IOException | RuntimeException notAnObject) {
            return Optional.empty();
        }
    }

    /** The member {@code name} of {@code object} when it is a non-blank string; null otherwise. */
    static String text(Map<?, ?> object, String name) {
        return object.get(name) instanceof String text && !text.isBlank() ? text : null;
    }

    /** The member {@code name} of {@code object} when it is an object; an empty one otherwise. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> member(Map<?, ?> object, String name) {
        return object.get(name) instanceof Map<?, ?> member ? (Map<String, Object>) member : Map.of();
    }
}
