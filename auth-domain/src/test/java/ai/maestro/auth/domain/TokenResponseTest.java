package ai.maestro.auth.domain;

import ai.maestro.auth.domain.token.TokenResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.error.InvalidTokenResponseException;
import ai.maestro.auth.domain.error.InvalidTokenResponseException.Defect;
import ai.maestro.auth.testing.TestJwts;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenResponseTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private static Map<String, Object> valid() {
        Map<String, Object> fields = new HashMap<>();
        fields.put("access_token", "at-secret-value");
        fields.put("token_type", "bearer");
        fields.put("expires_in", 3600);
        fields.put("refresh_token", "rt-secret-value");
        fields.put("id_token", TestJwts.openAiIdToken("ada@example.com", 1_900_000_000L, "acct", "plus"));
        fields.put("scope", "openid  profile");
        return fields;
    }

    private static Defect defectOf(Map<String, Object> fields) {
        return assertThrows(InvalidTokenResponseException.class, () -> new TokenResponse(fields).validate(NOW)).defect();
    }

    @Test
    void validatesACompleteResponse() {
        IdTokenClaims claims = new IdTokenClaims("ada@example.com", null, "acct", "plus");
        OAuthToken token = new TokenResponse(valid(), Optional.of(claims), Optional.empty()).validate(NOW);

        assertEquals("at-secret-value", token.accessToken().reveal());
        assertEquals("rt-secret-value", token.refreshToken().orElseThrow().reveal());
        assertEquals("Bearer", token.tokenType());
        assertEquals(List.of("openid", "profile"), token.scope());
        assertEquals(Optional.of(NOW.plusSeconds(3600)), token.expiresAt());
        assertEquals(NOW, token.obtainedAt());
        assertEquals(Optional.of(claims), token.idTokenClaims(), "the claims the adapter decoded");
    }

    @Test
    void acceptsExpiresInAsANumericString() {
        Map<String, Object> fields = valid();
        fields.put("expires_in", "120");
        assertEquals(Optional.of(NOW.plusSeconds(120)), new TokenResponse(fields).validate(NOW).expiresAt());
    }

    @Test
    void takesExpiryFromAJwtAccessTokenWhenExpiresInIsAbsent() {
        Map<String, Object> fields = valid();
        fields.remove("expires_in");
        fields.put("access_token", TestJwts.withPayload("{\"exp\":1800000000}"));
        // The adapter read the access token's exp; expires_in, when present, wins over it.
        Optional<Instant> exp = Optional.of(Instant.ofEpochSecond(1_800_000_000L));
        assertEquals(exp, new TokenResponse(fields, Optional.empty(), exp).validate(NOW).expiresAt());
        fields.put("expires_in", 60);
        assertEquals(Optional.of(NOW.plusSeconds(60)),
                new TokenResponse(fields, Optional.empty(), exp).validate(NOW).expiresAt());
    }

    @Test
    void leavesExpiryUnknownForAnOpaqueTokenWithoutExpiresIn() {
        Map<String, Object> fields = valid();
        fields.remove("expires_in");
        OAuthToken token = new TokenResponse(fields).validate(NOW);
        assertEquals(Optional.empty(), token.expiresAt());
        assertTrue(token.isUsableAt(NOW.plusSeconds(1_000_000), java.time.Duration.ofMinutes(5)));
    }

    @Test
    void treatsRefreshAndIdTokensAsOptionalAndTokenTypeAsBearerByDefault() {
        Map<String, Object> fields = Map.of("access_token", "only-this");
        OAuthToken token = new TokenResponse(fields).validate(NOW);
        assertFalse(token.isRefreshable());
        assertTrue(token.idToken().isEmpty());
        assertEquals("Bearer", token.tokenType());
    }

    @Test
    void eachDefectIsItsOwnTypedError() {
        Map<String, Object> missing = valid();
        missing.remove("access_token");
        assertEquals(Defect.MISSING_ACCESS_TOKEN, defectOf(missing));

        for (Object bad : new Object[] {"", "  ", 42}) {
            Map<String, Object> fields = valid();
            fields.put("access_token", bad);
            assertEquals(Defect.BLANK_ACCESS_TOKEN, defectOf(fields));
        }
        for (Object bad : new Object[] {"mac", "DPoP", 1}) {
            Map<String, Object> fields = valid();
            fields.put("token_type", bad);
            assertEquals(Defect.UNSUPPORTED_TOKEN_TYPE, defectOf(fields));
        }
        for (Object bad : new Object[] {0, -5, "soon", 400L * 24 * 3600 + 1, 1e300, "NaN", List.of()}) {
            Map<String, Object> fields = valid();
            fields.put("expires_in", bad);
            assertEquals(Defect.INVALID_EXPIRES_IN, defectOf(fields), String.valueOf(bad));
        }
        Map<String, Object> refresh = valid();
        refresh.put("refresh_token", "");
        assertEquals(Defect.INVALID_REFRESH_TOKEN, defectOf(refresh));
        Map<String, Object> id = valid();
        id.put("id_token", "not-a-jwt");
        assertEquals(Defect.INVALID_ID_TOKEN, defectOf(id));
        Map<String, Object> scope = valid();
        scope.put("scope", List.of("openid"));
        assertEquals(Defect.INVALID_SCOPE, defectOf(scope));
    }

    @Test
    void refreshKeepsTheOldRefreshTokenWhenTheResponseOmitsIt() {
        OAuthToken original = new TokenResponse(valid()).validate(NOW);
        OAuthToken fresh = new TokenResponse(Map.of("access_token", "new-at", "expires_in", 60))
                .validate(NOW.plusSeconds(10));

        OAuthToken merged = original.refreshedBy(fresh);

        assertEquals("new-at", merged.accessToken().reveal());
        assertEquals("rt-secret-value", merged.refreshToken().orElseThrow().reveal());
        assertEquals(original.idToken(), merged.idToken());
        assertEquals(Optional.of(NOW.plusSeconds(70)), merged.expiresAt());
    }

    @Test
    void errorMessagesAndToStringsNeverContainTheTokens() {
        Map<String, Object> fields = valid();
        fields.put("token_type", "mac");
        InvalidTokenResponseException error = assertThrows(InvalidTokenResponseException.class,
                () -> new TokenResponse(fields).validate(NOW));
        assertFalse(error.getMessage().contains("secret-value"));
        assertFalse(new TokenResponse(valid()).toString().contains("secret-value"));
        assertFalse(new TokenResponse(valid()).validate(NOW).toString().contains("secret-value"));
    }

    /** `curl -H "Authorization: Bearer $(maestro-auth token openai)"` must not be able to inject anything. */
    @Test
    void anAccessTokenOutsideRfc6750sB64tokenIsRefused() {
        for (String bad : List.of("at\r\nX-Injected: 1", "at\u001b]0;pwned\u0007", "at value", "at\u0000",
                "at\u00e9", "at,other", "=leading")) {
            Map<String, Object> fields = valid();
            fields.put("access_token", bad);
            assertEquals(Defect.INVALID_ACCESS_TOKEN, defectOf(fields), bad);
        }
        for (String good : List.of("sk-proj_AbC.9~+/x==", TestJwts.openAiIdToken("a@b.c", 1_900_000_000L, "a", "p"))) {
            Map<String, Object> fields = valid();
            fields.put("access_token", good);
            assertEquals(good, new TokenResponse(fields).validate(NOW).accessToken().reveal());
        }
    }

    @Test
    void aRefreshTokenWithControlCharactersOrSpacesIsRefused() {
        for (String bad : List.of("rt\r\nX: 1", "rt\u001b[2J", "rt value", "rt\u007f", "rt\u00e9")) {
            Map<String, Object> fields = valid();
            fields.put("refresh_token", bad);
            assertEquals(Defect.INVALID_REFRESH_TOKEN, defectOf(fields), bad);
        }
        Map<String, Object> fields = valid();
        fields.put("refresh_token", "rt_v1.AbC-9~!#$%&'*+/=?^`{|}:;<>@[]");
        assertTrue(new TokenResponse(fields).validate(NOW).refreshToken().isPresent());
    }

    @Test
    void anExpiresInUnderOneSecondIsRefusedNotStoredExpired() {
        for (Object tiny : List.of("1e-9", 0.5, "0.999")) {
            Map<String, Object> fields = valid();
            fields.put("expires_in", tiny);
            assertEquals(Defect.INVALID_EXPIRES_IN, defectOf(fields), String.valueOf(tiny));
        }
    }
}
