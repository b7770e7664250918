package ai.maestro.auth.domain.login;

import ai.maestro.auth.domain.AuthorizationCode;

import ai.maestro.auth.domain.login.CallbackResult.Authorized;
import ai.maestro.auth.domain.login.CallbackResult.Rejected;
import ai.maestro.auth.domain.error.AuthorizationDeniedException;
import ai.maestro.auth.domain.error.InvalidCallbackException;
import ai.maestro.auth.domain.error.InvalidCallbackException.Reason;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a callback into a {@link CallbackResult}. Accepts what a user can paste: the full redirect
 * URL, its query string, Anthropic's {@code CODE#STATE}, or a bare code. Returns a result for
 * every input string; it never throws.
 */
public final class CallbackParser {
    private static final int MAX_INPUT = 16 * 1024;

    private CallbackParser() {
    }

    /** Pasted text, in any of the accepted forms. A bare code has no state to check: the user vouches for it. */
    public static CallbackResult parse(String input, AuthorizationSession session, Instant now) {
        return parse(input, session, now, true);
    }

    /**
     * Like {@link #parse} but refuses a bare code: without a state nothing ties the code to this
     * login, and a code pasted from someone else signs the user in to their account (login CSRF).
     */
    public static CallbackResult parseWithState(String input, AuthorizationSession session, Instant now) {
        return parse(input, session, now, false);
    }

    private static CallbackResult parse(String input, AuthorizationSession session, Instant now, boolean bareCode) {
        if (input == null || input.isBlank() || input.length() > MAX_INPUT) {
            return rejected(Reason.MALFORMED);
        }
        String text = input.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            try {
                return fromQuery(new URI(text).getRawQuery(), session, now);
            } catch (URISyntaxException e) {
                return rejected(Reason.MALFORMED);
            }
        }
        if (text.contains("=")) {
            return fromQuery(text.startsWith("?") ? text.substring(1) : text, session, now);
        }
        int hash = text.indexOf('#');
        if (hash >= 0) {
            Map<String, String> parameters = new HashMap<>();
            parameters.put("code", text.substring(0, hash));
            parameters.put("state", text.substring(hash + 1));
            return check(parameters, session, now);
        }
        if (session.isExpiredAt(now)) {
            return rejected(Reason.SESSION_EXPIRED);
        }
        if (!AuthorizationCode.isWellFormed(text)) {
            return rejected(Reason.MALFORMED);
        }
        return bareCode ? new Authorized(AuthorizationCode.of(text)) : rejected(Reason.MISSING_STATE);
    }

    /** The raw query of a redirect (RFC 6749 §4.1.2): code and state both required. */
    public static CallbackResult fromQuery(String rawQuery, AuthorizationSession session, Instant now) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return rejected(Reason.MISSING_CODE);
        }
        Map<String, String> parameters = new HashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = decode(eq < 0 ? pair : pair.substring(0, eq));
                value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                return rejected(Reason.MALFORMED);
            }
            if (parameters.put(name, value) != null) {
                return rejected(Reason.DUPLICATE_PARAMETER);
            }
        }
        return check(parameters, session, now);
    }

    private static CallbackResult check(Map<String, String> parameters, AuthorizationSession session, Instant now) {
        String state = parameters.get("state");
        if (state != null && !state.isEmpty() && !session.state().matches(state)) {
            return rejected(Reason.STATE_MISMATCH);
        }
        String error = parameters.get("error");
        if (error != null && (state == null || state.isEmpty())) {
            // Anyone can send a stateless denial (a web page with an img tag): it must not end the login.
            return rejected(Reason.MISSING_STATE);
        }
        if (error != null) {
            // RFC 6749 §4.1.2.1: the provider reports a refusal in the redirect itself.
            return new Rejected(new AuthorizationDeniedException(error.isBlank() ? "unknown_error" : error,
                    parameters.get("error_description")));
        }
        if (session.isExpiredAt(now)) {
            return rejected(Reason.SESSION_EXPIRED);
        }
        if (state == null || state.isEmpty()) {
            return rejected(Reason.MISSING_STATE);
        }
        String code = parameters.get("code");
        if (code == null || code.isEmpty()) {
            return rejected(Reason.MISSING_CODE);
        }
        return AuthorizationCode.isWellFormed(code)
                ? new Authorized(AuthorizationCode.of(code)) : rejected(Reason.MALFORMED);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static Rejected rejected(Reason reason) {
        return new Rejected(new InvalidCallbackException(reason));
    }
}
