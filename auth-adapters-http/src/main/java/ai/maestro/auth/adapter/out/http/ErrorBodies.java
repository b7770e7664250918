package ai.maestro.auth.adapter.out.http;

import ai.maestro.auth.domain.OAuthError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;

/** Reads an error answer into an {@link OAuthError}: RFC 6749 §5.2 bodies and OpenAI's nested ones. */
final class ErrorBodies {
    private ErrorBodies() {
    }

    static OAuthError parse(ObjectMapper mapper, int status, byte[] body, String contentType, List<String> sentSecrets) {
        JsonNode root = null;
        try {
            root = body.length == 0 ? null : mapper.readTree(body);
        } catch (IOException notJson) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            String what = body.length == 0 ? "an empty body"
                    : "a non-JSON body" + (contentType == null ? "" : " (" + contentType + ")");
            return OAuthError.of("http_error", "HTTP " + status + " with " + what, status);
        }
        JsonNode error = root.path("error");
        if (error.isTextual()) {
            // RFC 6749 §5.2: {"error":"invalid_grant","error_description":"..."}
            return OAuthError.of(error.asText(), redact(text(root.path("error_description")), sentSecrets), status);
        }
        if (error.isObject()) {
            // OpenAI: {"error":{"message":"..","type":"invalid_request_error","code":"refresh_token_reused"}}
            String code = text(error.path("code"));
            if (code == null) {
                code = text(error.path("type"));
            }
            return OAuthError.of(code == null ? "http_error" : code, redact(text(error.path("message")), sentSecrets),
                    status);
        }
        return OAuthError.of("http_error", "HTTP " + status + " with a JSON body that has no error field", status);
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    /** A server may echo what it was sent; a secret must not reach a message through it. */
    static String redact(String text, List<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, "[redacted]");
        }
        return out;
    }
}
