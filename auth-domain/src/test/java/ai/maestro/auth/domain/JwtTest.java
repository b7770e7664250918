package ai.maestro.auth.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.error.MalformedJwtException;
import ai.maestro.auth.testing.TestJwts;
import java.time.Instant;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class JwtTest {

    @Test
    void decodesOpenAiIdTokenClaims() {
        String idToken = TestJwts.openAiIdToken("ada@example.com", 1_900_000_000L, "acct-42", "pro");

        IdTokenClaims claims = IdTokenClaims.decode(idToken);

        assertEquals("ada@example.com", claims.email());
        assertEquals(Instant.ofEpochSecond(1_900_000_000L), claims.expiresAt());
        assertEquals("acct-42", claims.accountId());
        assertEquals("pro", claims.planType());
    }

    @Test
    void toleratesMissingClaims() {
        IdTokenClaims claims = IdTokenClaims.decode(TestJwts.withPayload("{\"sub\":\"u1\",\"list\":[1,2.5,true,null]}"));
        assertTrue(claims.emailIfKnown().isEmpty());
        assertTrue(claims.planTypeIfKnown().isEmpty());
        assertEquals(null, claims.expiresAt());
    }

    @Test
    void malformedTokensAreATypedErrorThatDoesNotQuoteTheToken() {
        for (String bad : new String[] {"abc", "a.b", "a.!!!.c", "a." + "bm90IGpzb24" + ".c", "a.WzEsMl0.c"}) {
            MalformedJwtException error = assertThrows(MalformedJwtException.class, () -> IdTokenClaims.decode(bad));
            assertFalse(error.getMessage().contains(bad), bad);
        }
    }

    @Test
    void expiryIsEmptyForOpaqueTokens() {
        assertEquals(Optional.empty(), Jwt.expiry("opaque-token"));
        assertEquals(Optional.of(Instant.ofEpochSecond(5)), Jwt.expiry(TestJwts.withPayload("{\"exp\":5}")));
    }

    @Test
    void anExpiryBeyondTheYear9999IsUnknownNotACrash() {
        assertEquals(Optional.empty(), Jwt.expiry(TestJwts.withPayload("{\"exp\":99999999999999999}")));
        assertEquals(Optional.empty(), Jwt.expiry(TestJwts.withPayload("{\"exp\":1e300}")));
        assertEquals(null, IdTokenClaims.decode(TestJwts.withPayload("{\"exp\":99999999999999999,"
                + "\"email\":\"a@b.c\"}")).expiresAt());
    }

    @Property(tries = 1000)
    void decodingAnyStringFailsOnlyWithTheTypedError(@ForAll String header, @ForAll String payload) {
        String token = header + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ".s";
        try {
            IdTokenClaims.decode(token);
        } catch (MalformedJwtException expected) {
            // the only failure allowed
        }
    }
}
