package ai.maestro.auth.adapter.outbound.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.maestro.auth.domain.OAuthError;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorBodiesTest {
    private static final String SECRET = "rt-0123456789abcdefghijKLMN";

    private static OAuthError parse(String body) {
        return ErrorBodies.parse(400, body.getBytes(StandardCharsets.UTF_8), "application/json", List.of(SECRET));
    }

    /** No 8 characters in a row of the secret may survive anywhere in what is shown. */
    private static void assertNoEcho(OAuthError error) {
        String shown = error.code() + " " + error.description();
        for (int i = 0; i + 8 <= SECRET.length(); i++) {
            assertFalse(shown.contains(SECRET.substring(i, i + 8)), "echo survived: " + shown);
        }
    }

    @Test
    void anEchoInAnyFieldIsRedacted() {
        for (String body : List.of("{\"error\":\"" + SECRET + "\",\"error_description\":\"bad\"}",
                "{\"error\":{\"code\":\"" + SECRET + "\",\"message\":\"bad\"}}",
                "{\"error\":{\"type\":\"x" + SECRET + "\"}}",
                "{\"error\":{\"code\":\"invalid\",\"message\":\"the token " + SECRET + " is bad\"}}")) {
            assertNoEcho(parse(body));
        }
    }

    @Test
    void aPartialEchoOfEightCharactersOrMoreIsRedacted() {
        String missingLast = SECRET.substring(0, SECRET.length() - 1);
        String middle = SECRET.substring(5, 15);
        OAuthError error = parse("{\"error\":\"invalid_grant\",\"error_description\":\"was " + missingLast + " or "
                + middle + "?\"}");

        assertNoEcho(error);
        assertEquals("invalid_grant", error.code());
        assertEquals("was [redacted] or [redacted]?", error.description());
    }
}
