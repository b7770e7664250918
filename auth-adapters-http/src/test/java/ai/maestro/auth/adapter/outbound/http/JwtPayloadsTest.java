package ai.maestro.auth.adapter.outbound.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.IdTokenClaims;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The JWTs of a token endpoint's answer, read into typed claims; hostile ones yield none. */
class JwtPayloadsTest {
    private final JwtPayloads jwts = new JwtPayloads();

    private static String withPayload(String json) {
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        return encoder.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + encoder.encodeToString(json.getBytes(StandardCharsets.UTF_8)) + ".sig";
    }

    @Test
    void readsOpenAisIdTokenClaims() {
        IdTokenClaims claims = jwts.idTokenClaims(withPayload("{\"email\":\"ada@example.com\",\"exp\":1900000000,"
                + "\"https://api.openai.com/auth\":{\"chatgpt_account_id\":\"acct-42\",\"chatgpt_plan_type\":\"pro\"}}"))
                .orElseThrow();

        assertEquals("ada@example.com", claims.email());
        assertEquals(Instant.ofEpochSecond(1_900_000_000L), claims.expiresAt());
        assertEquals("acct-42", claims.accountId());
        assertEquals("pro", claims.planType());
    }

    @Test
    void missingClaimsAreUnknown() {
        IdTokenClaims claims = jwts.idTokenClaims(withPayload("{\"sub\":\"u1\",\"list\":[1,2.5,true,null]}"))
                .orElseThrow();
        assertTrue(claims.emailIfKnown().isEmpty());
        assertTrue(claims.planTypeIfKnown().isEmpty());
        assertEquals(null, claims.expiresAt());
    }

    @Test
    void whatIsNoJwtYieldsNoClaims() {
        for (Object bad : new Object[] {"abc", "a.b", "a.!!!.c", "a.bm90IGpzb24.c", "a.WzEsMl0.c", 42, null}) {
            assertEquals(Optional.empty(), jwts.idTokenClaims(bad), String.valueOf(bad));
        }
    }

    @Test
    void anAccessTokensExpiryIsReadAndAnOpaqueOneHasNone() {
        assertEquals(Optional.empty(), jwts.expiry("opaque-token"));
        assertEquals(Optional.of(Instant.ofEpochSecond(5)), jwts.expiry(withPayload("{\"exp\":5}")));
        assertEquals(Optional.empty(), jwts.expiry(withPayload("{\"exp\":99999999999999999}")), "beyond 9999");
        assertEquals(Optional.empty(), jwts.expiry(withPayload("{\"exp\":1e300}")));
        assertEquals(Optional.empty(), jwts.expiry(withPayload("{\"exp\":\"1764000000\"}")));
    }

    @Provide
    Arbitrary<String> hostile() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(80),
                Arbitraries.of("jwt").map(unused -> HostileJwt.any()));
    }

    /** 10,000 generated JWTs: reading one never throws, and no time beyond the year 9999 comes out. */
    @Property(tries = 10_000)
    void anyJwtIsReadWithoutAnError(@ForAll("hostile") String jwt) {
        jwts.idTokenClaims(jwt).map(IdTokenClaims::expiresAt)
                .ifPresent(at -> assertTrue(at.isBefore(Instant.parse("+10000-01-01T00:00:00Z")), jwt));
        jwts.expiry(jwt).ifPresent(at -> assertTrue(at.isBefore(Instant.parse("+10000-01-01T00:00:00Z")), jwt));
    }

    /** JWT-shaped text whose payload is hostile JSON: huge, negative or fractional exp, control characters. */
    private static final class HostileJwt {
        private static final java.util.Random RANDOM = new java.util.Random();
        private static final List<String> VALUES = List.of("99999999999999999", "-99999999999999999", "1e300", "1.5",
                "-1", "0", "\"1764000000\"", "null", "true", "[]", "{}", "\"\\u001b]0;owned\\u0007\"",
                "\"a@b.c\\r\\nX: y\"", "1764000000", "18446744073709551616", "\"\\ud800\"");
        private static final List<String> KEYS = List.of("exp", "email", "https://api.openai.com/auth",
                "https://api.openai.com/profile", "chatgpt_plan_type", "sub", "");

        static String any() {
            StringBuilder json = new StringBuilder("{");
            int n = RANDOM.nextInt(5);
            for (int i = 0; i < n; i++) {
                json.append(i == 0 ? "" : ",").append('"').append(KEYS.get(RANDOM.nextInt(KEYS.size()))).append("\":");
                json.append(RANDOM.nextInt(6) == 0 ? "{\"chatgpt_plan_type\":" + VALUES.get(RANDOM.nextInt(VALUES.size()))
                        + "}" : VALUES.get(RANDOM.nextInt(VALUES.size())));
            }
            String payload = RANDOM.nextInt(10) == 0 ? json.substring(0, RANDOM.nextInt(json.length() + 1))
                    : json.append('}').toString();
            Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
            return encoder.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                    + encoder.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                    + List.of("", "sig", "s.i.g").get(RANDOM.nextInt(3));
        }
    }
}
