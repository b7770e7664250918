package ai.maestro.auth.domain;

import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.login.CallbackParser;
import ai.maestro.auth.domain.login.CallbackResult;
import ai.maestro.auth.domain.token.TokenResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.login.CallbackResult.Authorized;
import ai.maestro.auth.domain.login.CallbackResult.Rejected;
import ai.maestro.auth.domain.error.AuthorizationDeniedException;
import ai.maestro.auth.domain.error.InvalidCallbackException;
import ai.maestro.auth.domain.error.InvalidTokenResponseException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * What an attacker controls, generated 10,000 times per property: the callback's query (a web page
 * can send any) and the token endpoint's answer (the JWTs in it are read by the HTTP adapter, whose
 * JwtPayloadsTest generates them). The only failures allowed are the typed ones, and nothing that
 * breaks a rule is ever accepted.
 */
class HostileInputPropertiesTest {
    private static final String STATE = "s7aTe-s7aTe-s7aTe-s7aTe-s7aTe-s7aTe-s7aTe-x";
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final AuthorizationSession SESSION = new AuthorizationSession(ProviderId.OPENAI, State.of(STATE),
            PkceParams.fromVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            URI.create("http://localhost:1455/auth/callback"), NOW, NOW.plusSeconds(300));

    // ---- the callback ------------------------------------------------------------------------------

    /** Any text, control characters, percent escapes broken or not, and values near the real state. */
    private static Arbitrary<String> hostileText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(60),
                Arbitraries.strings().withChars("%0123456789abcdefABCDEF&=+#?/ \u001b\r\n\u0000").ofMaxLength(30),
                Arbitraries.of(STATE, STATE + "x", STATE.substring(1), STATE.toUpperCase(), "", " ", "%", "%zz",
                        "%00", "%C0%AF", "%E2%80%AE"),
                Arbitraries.strings().ofMinLength(1000).ofMaxLength(5000));
    }

    @Provide
    Arbitrary<String> callbackQueries() {
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of("code", "state", "error", "error_description",
                "error_uri", "iss", "scope", "CODE", "state[]", ""), hostileText());
        Arbitrary<String> pair = Combinators.combine(key, hostileText(), Arbitraries.of(true, false))
                .as((k, v, encode) -> k + "=" + (encode ? URLEncoder.encode(v, StandardCharsets.UTF_8) : v));
        return pair.list().ofMaxSize(8).map(pairs -> String.join("&", pairs));
    }

    @Property(tries = 10_000)
    void aCallbackIsAcceptedOnlyWithTheSessionsStateAndAWellFormedCode(@ForAll("callbackQueries") String query) {
        for (CallbackResult result : List.of(CallbackParser.fromQuery(query, SESSION, NOW),
                CallbackParser.parse("http://localhost:1455/auth/callback?" + query, SESSION, NOW),
                CallbackParser.parseWithState(query, SESSION, NOW))) {
            Map<String, List<String>> fields = decoded(query);
            if (result instanceof Authorized authorized) {
                assertEquals(List.of(STATE), fields.get("state"), query);
                assertTrue(AuthorizationCode.isWellFormed(authorized.code().value().reveal()), query);
                assertEquals(fields.get("code"), List.of(authorized.code().value().reveal()), query);
            } else {
                Object error = ((Rejected) result).error();
                assertTrue(error instanceof InvalidCallbackException || error instanceof AuthorizationDeniedException,
                        query + " -> " + error);
                if (error instanceof AuthorizationDeniedException) {
                    assertEquals(List.of(STATE), fields.get("state"), "a denial without the session's state: " + query);
                }
            }
        }
    }

    /** The query as a browser's server would read it; undecodable fields are kept raw (they cannot match). */
    private static Map<String, List<String>> decoded(String query) {
        Map<String, List<String>> fields = new HashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            fields.computeIfAbsent(decode(key), k -> new java.util.ArrayList<>()).add(decode(value));
        }
        return fields;
    }

    private static String decode(String text) {
        try {
            return java.net.URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException undecodable) {
            return "\u0000undecodable:" + text;
        }
    }

    // ---- the token endpoint's answer -----------------------------------------------------------------

    @Provide
    Arbitrary<Object> jsonValues() {
        return Arbitraries.oneOf(
                hostileText().map(Object.class::cast),
                Arbitraries.strings().withChars("ABCabc012-._~+/=").ofMinLength(1).ofMaxLength(40).map(Object.class::cast),
                Arbitraries.longs().map(Object.class::cast),
                Arbitraries.doubles().map(Object.class::cast),
                Arbitraries.of("1e-9", "3600", " 3600 ", "-1", "0", "1e300", "NaN", "Infinity", "99999999999999999999",
                        "0x10", "3600.5", "Bearer", "bearer", "BEARER", "mac").map(Object.class::cast),
                Arbitraries.of(Boolean.TRUE, List.of("x"), Map.of("a", 1), new java.math.BigInteger("9".repeat(40)),
                        Double.NaN, Double.POSITIVE_INFINITY, Long.MIN_VALUE).map(Object.class::cast),
                Arbitraries.of("{\"exp\":1764000000}", "{\"exp\":99999999999999999}", "{}", "[1]", "not json")
                        .map(payload -> (Object) ai.maestro.auth.testing.TestJwts.withPayload(payload)));
    }

    @Provide
    Arbitrary<Map<String, Object>> tokenResponses() {
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of("access_token", "refresh_token", "id_token",
                "expires_in", "token_type", "scope"), Arbitraries.strings().ofMaxLength(8));
        return Arbitraries.maps(key, jsonValues()).ofMaxSize(7);
    }

    @Property(tries = 10_000)
    void aTokenResponseIsStoredOnlyWhenEveryFieldIsSafe(@ForAll("tokenResponses") Map<String, Object> fields) {
        OAuthToken token;
        try {
            token = new TokenResponse(fields).validate(NOW);
        } catch (InvalidTokenResponseException refused) {
            return;
        }
        String access = token.accessToken().reveal();
        assertTrue(access.matches("[A-Za-z0-9\\-._~+/]+=*"), "outside b64token: " + fields);
        token.refreshToken().ifPresent(r -> assertTrue(r.reveal().matches("[\\x21-\\x7E]+"), fields.toString()));
        token.expiresAt().ifPresent(at -> assertTrue(at.isAfter(NOW) && at.isBefore(NOW.plusSeconds(400L * 86_400 + 1))
                || fields.get("expires_in") == null, "expiry " + at + " from " + fields));
        token.idToken().ifPresent(id -> assertTrue(Jwt.looksLikeJwt(id.reveal()), fields.toString()));
    }
}
