package ai.maestro.auth.adapter.outbound.http;

import ai.maestro.auth.domain.OAuthError;
import java.util.List;

/** Reads an error answer into an {@link OAuthError}: RFC 6749 §5.2 bodies and OpenAI's nested ones. */
final class ErrorBodies {
    private ErrorBodies() {
    }

    static OAuthError parse(int status, byte[] body, String contentType, List<String> sentSecrets) {
        java.util.Map<String, Object> root = body.length == 0 ? null : JsonMaps.object(body).orElse(null);
        if (root == null) {
            String what = body.length == 0 ? "an empty body"
                    : "a non-JSON body" + (contentType == null ? "" : " (" + contentType + ")");
            return OAuthError.of("http_error", "HTTP " + status + " with " + what, status);
        }
        Object error = root.get("error");
        if (error instanceof String code) {
            // RFC 6749 §5.2: {"error":"invalid_grant","error_description":"..."}
            return OAuthError.of(redact(code, sentSecrets),
                    redact(JsonMaps.text(root, "error_description"), sentSecrets), status);
        }
        if (error instanceof java.util.Map<?, ?> nested) {
            // OpenAI: {"error":{"message":"..","type":"invalid_request_error","code":"refresh_token_reused"}}
            String code = JsonMaps.text(nested, "code");
            if (code == null) {
                code = JsonMaps.text(nested, "type");
            }
            return OAuthError.of(code == null ? "http_error" : redact(code, sentSecrets),
                    redact(JsonMaps.text(nested, "message"), sentSecrets), status);
        }
        return OAuthError.of("http_error", "HTTP " + status + " with a JSON body that has no error field", status);
    }

    /** Shorter runs are too common to be an echo; 8 characters of a random token are not. */
    static final int ECHO_RUN = 8;
    /** An error description is for people: longer text is cut before anything else is done with it. */
    static final int MAX_TEXT = 2000;

    /**
     * A server may echo what it was sent, whole or in part: every run of {@value #ECHO_RUN} or more
     * characters that also occurs in a secret (and a shorter secret wherever it occurs whole) becomes
     * {@code [redacted]}.
     */
    static String redact(String text, List<String> secrets) {
        if (text == null) {
            return null;
        }
        String cut = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "..." : text;
        java.util.Set<String> runs = new java.util.HashSet<>();
        for (String secret : secrets) {
            for (int i = 0; i + ECHO_RUN <= secret.length(); i++) {
                runs.add(secret.substring(i, i + ECHO_RUN));
            }
        }
        boolean[] hidden = new boolean[cut.length()];
        for (String shortSecret : secrets) {
            // A secret shorter than a run is hidden wherever it occurs whole.
            for (int at = shortSecret.isEmpty() || shortSecret.length() >= ECHO_RUN ? -1 : cut.indexOf(shortSecret);
                    at >= 0; at = cut.indexOf(shortSecret, at + 1)) {
                java.util.Arrays.fill(hidden, at, at + shortSecret.length(), true);
            }
        }
        for (int i = 0; i + ECHO_RUN <= cut.length(); i++) {
            if (runs.contains(cut.substring(i, i + ECHO_RUN))) {
                java.util.Arrays.fill(hidden, i, i + ECHO_RUN, true);
            }
        }
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            if (!hidden[i]) {
                out.append(cut.charAt(i));
            } else if (i == 0 || !hidden[i - 1]) {
                out.append("[redacted]");
            }
        }
        return out.toString();
    }
}
